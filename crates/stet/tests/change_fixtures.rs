//! The hand-checked change fixtures of `fixtures/changes/`: each case has `before/`,
//! `after/`, a `case.json` with the expected action and replacement of every changed
//! resource (and the documentation it comes from), and `expected.json`, the full `changes`
//! output. `STET_BLESS=1 cargo test -p stet-iac --test change_fixtures` rewrites
//! `expected.json`; `case.json` is never written by a test.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/changes")
}

/// The one file in `dir`, if it holds exactly one.
fn single_file(dir: &Path) -> Option<PathBuf> {
    let mut files = Vec::new();
    for entry in walk(dir) {
        files.push(entry);
    }
    (files.len() == 1).then(|| files.remove(0))
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn run(case: &Path) -> Vec<Json> {
    let before = case.join("before");
    let after = case.join("after");
    let diffed = match (single_file(&before), single_file(&after)) {
        (Some(b), Some(a)) => stet::diff_paths(&b, &a, &Default::default()),
        _ => stet::diff_paths(&before, &after, &Default::default()),
    }
    .unwrap();
    assert!(
        !diffed.has_errors(),
        "{}: {:?}",
        case.display(),
        diffed.diagnostics
    );
    // Paths as the loader shows them (relative to the crate folder), made relative to the case.
    let name = case.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!("../../fixtures/changes/{name}/");
    diffed
        .changes
        .iter()
        .map(|c| {
            let text = c.to_json().to_string().replace(&prefix, "");
            serde_json::from_str(&text).unwrap()
        })
        .collect()
}

#[test]
fn change_fixtures_match_their_documented_outcome() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 80, "only {} change fixtures", cases.len());
    let bless = std::env::var_os("STET_BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let spec: Json =
            serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).unwrap())
                .unwrap();
        assert!(
            spec["source"]
                .as_str()
                .is_some_and(|s| s.starts_with("https://")),
            "{name}: case.json must cite its source"
        );
        let changes = run(case);
        // The documented outcome, resource by resource, and nothing else.
        let expect = spec["expect"].as_object().cloned().unwrap_or_default();
        let got: std::collections::BTreeMap<String, (String, String)> = changes
            .iter()
            .map(|c| {
                (
                    c["address"].as_str().unwrap_or_default().to_string(),
                    (
                        c["action"].as_str().unwrap_or_default().to_string(),
                        c["replacement"].as_str().unwrap_or_default().to_string(),
                    ),
                )
            })
            .collect();
        let wanted: std::collections::BTreeMap<String, (String, String)> = expect
            .iter()
            .map(|(a, v)| {
                (
                    a.clone(),
                    (
                        v["action"].as_str().unwrap_or_default().to_string(),
                        v["replacement"].as_str().unwrap_or_default().to_string(),
                    ),
                )
            })
            .collect();
        if got != wanted {
            failures.push(format!("{name}: documented {wanted:?}, got {got:?}"));
        }
        for c in &changes {
            assert!(
                c["line"].as_u64().unwrap_or(0) >= 1,
                "{name}: a change without a line"
            );
        }
        let expected_path = case.join("expected.json");
        let actual = serde_json::to_string_pretty(&Json::Array(changes)).unwrap() + "\n";
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
        } else {
            let expected = std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|_| panic!("{name}: no expected.json (run with STET_BLESS=1)"));
            if expected != actual {
                failures.push(format!(
                    "{name}: output differs from expected.json:\n{actual}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
