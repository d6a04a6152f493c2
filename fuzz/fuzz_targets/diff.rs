//! Any pair of inputs (split at a `~~~` line) as two versions of a Terraform module or a
//! CloudFormation template: the diff never panics, a version compared with itself has no
//! change, and swapping the versions mirrors creates and deletes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use stet_diff::{diff_graphs, Action, KnowledgeBase};
use stet_graph::Graph;
use stet_terraform::{load_module, LoadOptions, MemoryFiles};

fn terraform(text: &[u8]) -> Graph {
    let mut files = MemoryFiles::default();
    files.insert("m/main.tf", text.to_vec());
    let mut options = LoadOptions::default();
    options.limits.max_eval_steps = 200_000;
    options.confine = Some("m".into());
    load_module(&files, "m".as_ref(), &options).graph
}

fn template(text: &[u8]) -> Option<Graph> {
    let text = std::str::from_utf8(text).ok()?;
    stet_cloudformation::parse_template("t.yaml".into(), text, &Default::default())
        .ok()
        .flatten()
        .map(|p| p.graph)
}

fn addresses(changes: &[stet_diff::Change], action: Action) -> BTreeSet<String> {
    changes
        .iter()
        .filter(|c| c.action == action)
        .map(|c| c.address.clone())
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let split = data.windows(5).position(|w| w == b"\n~~~\n");
    let (a, b) = match split {
        Some(i) => (&data[..i], &data[i + 5..]),
        None => (data, &b""[..]),
    };
    let Ok(kb) = KnowledgeBase::embedded() else {
        return;
    };
    let pairs = [
        (Some(terraform(a)), Some(terraform(b))),
        (template(a), template(b)),
    ];
    for (before, after) in &pairs {
        for g in [before, after].into_iter().flatten() {
            let same = diff_graphs(Some(g), Some(g), kb);
            assert!(same.is_empty(), "a version differs from itself: {same:?}");
        }
        let forward = diff_graphs(before.as_ref(), after.as_ref(), kb);
        let backward = diff_graphs(after.as_ref(), before.as_ref(), kb);
        // Moves, imports and removals are one-way declarations.
        let one_way = [a, b].iter().any(|t| {
            let t = String::from_utf8_lossy(t);
            t.contains("moved") || t.contains("import") || t.contains("removed")
        });
        if !one_way {
            assert_eq!(addresses(&forward, Action::Create), addresses(&backward, Action::Delete));
            assert_eq!(addresses(&forward, Action::Delete), addresses(&backward, Action::Create));
        }
    }
});
