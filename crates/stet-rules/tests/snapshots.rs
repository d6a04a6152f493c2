//! Snapshots load as the files they were made from: every rule file of the built-in pack, of
//! `fixtures/` and (where `../shared/conformance` is present) of the AWS Guard Rules Registry
//! and cfn-guard's own test resources, parsed, written as a snapshot and read back, is the same
//! parsed file.

use std::path::{Path, PathBuf};
use stet_rules::RuleSet;

fn guard_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            guard_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "guard") {
            out.push(path);
        }
    }
}

#[test]
fn every_rule_file_loads_from_its_snapshot_as_parsed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["crates/stet/rules", "fixtures", "../shared/conformance"] {
        guard_files(&root.join(dir), &mut files);
    }
    if !root.join("../shared/conformance").is_dir() {
        eprintln!("../shared/conformance is absent: only the pack and fixtures are read");
    }
    let mut compared = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let name = file.to_string_lossy();
        // Files that do not parse (cfn-guard's own failing examples) have no snapshot.
        let Ok(parsed) = RuleSet::parse(&name, &text) else {
            continue;
        };
        let loaded =
            RuleSet::from_snapshot(&parsed.to_snapshot()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            format!("{loaded:?}"),
            format!("{parsed:?}"),
            "{name}: the snapshot loads as another file"
        );
        compared += 1;
    }
    eprintln!("{compared} rule files compared");
    assert!(compared >= 26, "only {compared} rule files compared");
}
