//! stet's SAM mapping against `aws-sam-translator`'s answers in `fixtures/sam/*/translator.json`
//! (recorded by `scripts/sam-oracle.py`): for every property of every SAM resource changed one
//! at a time, the generated resources that change and the top-level property that changes in
//! each (or that a resource is made anew, under a new hashed ID, or goes) must be the same,
//! except the differences `fixtures/sam/known-differences.json` lists with their reason.
//! Also: every resource the translator makes, stet makes.

use super::view::Deployed;
use crate::compare::{differences, Segment};
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use stet_graph::{Graph, Value, ValueKind};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sam")
}

/// The template at `path` with `value` set at `at` (raw template paths), as stet reads it.
fn graph(text: &str, at: Option<(&[Json], &Json)>) -> Graph {
    let parsed =
        stet_cloudformation::parse_template("template.yaml".into(), text, &Default::default())
            .unwrap()
            .unwrap();
    let mut graph = parsed.graph;
    let mut template = graph.template.clone().unwrap();
    if let Some((path, value)) = at {
        let replacement =
            stet_graph::parse_json("value.json".into(), &value.to_string(), &Default::default())
                .unwrap()
                .unwrap();
        set(&mut template, path, replacement.clone());
        // The resources as written follow the template (`["Resources", id, "Properties", …]`).
        if let (Some(Json::String(id)), Some(rest)) = (path.get(1), path.get(3..)) {
            if let Some(resource) = graph.resources.iter_mut().find(|r| &r.address == id) {
                set(&mut resource.attributes, rest, replacement);
            }
        }
    }
    let resolution = stet_cloudformation::resolve_template(&template, &[]);
    graph.resolved = Some(Box::new(resolution.resolved));
    graph
}

fn set(value: &mut Value, path: &[Json], replacement: Value) {
    let Some((first, rest)) = path.split_first() else {
        *value = replacement;
        return;
    };
    let Some(key) = first.as_str() else { return };
    if let ValueKind::Map(map) = &mut value.kind {
        if let Some(inner) = map.get_mut(key) {
            set(inner, rest, replacement);
        }
    }
}

/// A generated logical ID without stet's content hash (`FnVersion#`), as the script writes
/// the translator's.
fn base_id(id: &str) -> String {
    let n = id.len();
    if n > 10 {
        let (head, tail) = id.split_at(n - 10);
        if tail
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            && (head.ends_with("Version") || head.ends_with("Deployment") || !head.is_empty())
            && tail.chars().any(|c| c.is_ascii_digit())
        {
            return format!("{head}#");
        }
    }
    id.to_string()
}

/// What changes between two expansions, in the script's terms.
fn changes(before: &Graph, after: &Graph) -> BTreeSet<(String, String)> {
    let old = Deployed::of(before);
    let new = Deployed::of(after);
    let by_base = |d: &Deployed<'_>| -> Vec<(String, stet_graph::Resource)> {
        d.graph
            .resources
            .iter()
            .map(|r| (base_id(&r.address), r.clone()))
            .collect()
    };
    let (old, new) = (by_base(&old), by_base(&new));
    let mut found = BTreeSet::new();
    for (key, a) in &old {
        match new.iter().find(|(k, _)| k == key) {
            None => {
                found.insert((key.clone(), "<deleted>".to_string()));
            }
            Some((_, b)) => {
                if a.address != b.address {
                    found.insert((key.clone(), "<new id>".to_string()));
                }
                for d in differences(&a.attributes, &b.attributes) {
                    if let Some(Segment::Key(k)) = d.path.first() {
                        found.insert((key.clone(), k.clone()));
                    }
                }
            }
        }
    }
    for (key, _) in &new {
        if !old.iter().any(|(k, _)| k == key) {
            found.insert((key.clone(), "<created>".to_string()));
        }
    }
    found
}

#[test]
fn sam_mapping_agrees_with_aws_sam_translator() {
    let known: Json = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("known-differences.json")).unwrap(),
    )
    .unwrap();
    let excused = |case: &str, path: &str, item: &(String, String)| {
        known["differences"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| {
                d["case"] == case
                    && d["path"] == path
                    && d["resource"] == item.0.as_str()
                    && d["property"] == item.1.as_str()
            })
    };
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("translator.json").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "{} SAM oracle cases", cases.len());
    let (mut compared, mut agreed, mut excused_count) = (0, 0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(case.join("template.yaml")).unwrap();
        let oracle: Json =
            serde_json::from_str(&std::fs::read_to_string(case.join("translator.json")).unwrap())
                .unwrap();
        let base = graph(&text, None);
        let made: BTreeSet<(String, String)> = Deployed::of(&base)
            .graph
            .resources
            .iter()
            .map(|r| (base_id(&r.address), r.resource_type.clone()))
            .collect();
        let theirs: BTreeSet<(String, String)> = oracle["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap_or_default().to_string(),
                    pair[1].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        for item in theirs.symmetric_difference(&made) {
            if !excused(&name, "", item) {
                let who = if made.contains(item) {
                    "stet"
                } else {
                    "the translator"
                };
                failures.push(format!("{name}: only {who} makes {item:?}"));
            }
        }
        for change in oracle["changes"].as_array().into_iter().flatten() {
            if change.get("refused").is_some() {
                continue;
            }
            let path: Vec<Json> = change["path"].as_array().cloned().unwrap_or_default();
            let shown: Vec<&str> = path.iter().skip(3).filter_map(Json::as_str).collect();
            let shown = shown.join(".");
            let after = graph(&text, Some((&path, &change["value"])));
            let ours = changes(&base, &after);
            let theirs: BTreeSet<(String, String)> = change["changes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        c[0].as_str().unwrap_or_default().to_string(),
                        c[1].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            compared += 1;
            let missing: Vec<_> = theirs.difference(&ours).collect();
            let extra: Vec<_> = ours.difference(&theirs).collect();
            let unexplained: Vec<_> = missing
                .iter()
                .chain(extra.iter())
                .filter(|item| !excused(&name, &shown, item))
                .collect();
            if missing.is_empty() && extra.is_empty() {
                agreed += 1;
            } else if unexplained.is_empty() {
                excused_count += 1;
            } else {
                failures.push(format!(
                    "{name}: changing {shown}: the translator changes {missing:?} that stet does not, stet changes {extra:?} that the translator does not"
                ));
            }
        }
    }
    eprintln!(
        "SAM oracle: {compared} property changes compared, {agreed} agree exactly, {excused_count} differ only as fixtures/sam/known-differences.json explains"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
