//! Rule evaluation throughput: the AWS Guard Rules Registry's rules
//! (`../shared/conformance/guard-rules-registry/rules`) over every CloudFormation template of
//! the corpus (`../shared/corpus/files`), counted in rule-file × document evaluations.
//!
//! `cargo bench -p stet-benches --bench rules`

use divan::counter::ItemsCount;
use divan::Bencher;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(path)
}

fn main() {
    if !shared("corpus/files").is_dir()
        || !shared("conformance/guard-rules-registry/rules").is_dir()
    {
        eprintln!("skipped: ../shared/corpus or ../shared/conformance is absent");
        return;
    }
    divan::main();
}

struct Setup {
    rules: Vec<stet_rules::RuleSet>,
    documents: Vec<stet_graph::Value>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let (rules, _) = stet::load_rules(&[shared("conformance/guard-rules-registry/rules")]);
        let loaded = stet::load(&[shared("corpus/files")], &stet::LoadOptions::default());
        let documents = loaded
            .graphs
            .iter()
            .filter(|g| g.format.is_cloudformation())
            .map(stet::render_document)
            .collect();
        Setup { rules, documents }
    })
}

/// Every registry rule file over every CloudFormation template.
#[divan::bench(sample_count = 5)]
fn registry_over_cloudformation_corpus(bencher: Bencher) {
    let setup = setup();
    let evaluations = setup.rules.len() * setup.documents.len();
    bencher.counter(ItemsCount::new(evaluations)).bench(|| {
        for document in &setup.documents {
            for rules in &setup.rules {
                let _ = divan::black_box(rules.evaluate(document));
            }
        }
    });
}

/// Parsing the registry's rule files.
#[divan::bench(sample_count = 10)]
fn parse_registry_rules(bencher: Bencher) {
    let dir = shared("conformance/guard-rules-registry/rules");
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "guard") {
                files.push((
                    p.to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap_or_default(),
                ));
            }
        }
    }
    bencher.counter(ItemsCount::new(files.len())).bench(|| {
        for (name, text) in &files {
            let _ = divan::black_box(stet_rules::RuleSet::parse(name, text));
        }
    });
}
