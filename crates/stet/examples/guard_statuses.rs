//! Prints, as JSON, the PASS/FAIL/SKIP status of every rule in a rules folder for every
//! CloudFormation template under the given paths: `{"<template>": {"<rule>": "PASS"}}`. The
//! differential harness (`benches/guard-differential.py`) compares it with cfn-guard.
//!
//! `cargo run --release -p stet-iac --example guard_statuses -- RULES_DIR PATH...`

use std::collections::BTreeMap;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1).map(PathBuf::from);
    let Some(rules_dir) = args.next() else {
        eprintln!("usage: guard_statuses RULES_DIR PATH...");
        std::process::exit(2);
    };
    let paths: Vec<PathBuf> = args.collect();
    let (rules, diagnostics) = stet::load_rules(&[rules_dir]);
    for d in &diagnostics {
        eprintln!("{d}");
    }
    let loaded = stet::load(&paths, &stet::LoadOptions::default());
    let mut out: BTreeMap<String, BTreeMap<String, &str>> = BTreeMap::new();
    for graph in loaded
        .graphs
        .iter()
        .filter(|g| g.format.is_cloudformation())
    {
        let document = stet::render_document(graph);
        let entry = out.entry(graph.path.to_string()).or_default();
        for ruleset in &rules {
            match ruleset.evaluate(&document) {
                Ok(results) => {
                    for r in results {
                        entry.insert(r.name, r.status.as_str());
                    }
                }
                Err(e) => eprintln!("{}: {e}", graph.path),
            }
        }
    }
    println!("{}", serde_json::to_string(&out).unwrap_or_default());
}
