//! Every before/after pair of `../shared/corpus/changes` through the diff: no panic, no
//! error on a valid file, every change located; prints the distribution of actions.
//! Skipped (with a message) when the corpus is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/changes");
    dir.is_dir().then_some(dir)
}

#[test]
fn every_corpus_pair_diffs_cleanly() {
    let Some(root) = corpus() else {
        eprintln!("skipped: ../shared/corpus/changes is not here");
        return;
    };
    let mut pairs = Vec::new();
    for repo in std::fs::read_dir(&root).unwrap().flatten() {
        for change in std::fs::read_dir(repo.path()).unwrap().flatten() {
            if change.path().join("before").is_dir() {
                pairs.push(change.path());
            }
        }
    }
    pairs.sort();
    assert!(
        pairs.len() > 300,
        "expected the 343 change sets, found {}",
        pairs.len()
    );
    let mut actions: BTreeMap<String, usize> = BTreeMap::new();
    let mut replacements: BTreeMap<String, usize> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let (change_rules, problems) = stet::builtin_rules(stet::Pack::Changes);
    assert!(problems.is_empty(), "{problems:?}");
    let mut findings: BTreeMap<String, usize> = BTreeMap::new();
    for pair in &pairs {
        let before = pair.join("before");
        let after = pair.join("after");
        let diffed = stet::diff_paths(&before, &after, &Default::default()).unwrap();
        // Errors are allowed only where the same file fails on its own in the files corpus
        // check (known-bad fixtures); here: both sides must fail the same way.
        let before_errors = diffed
            .before
            .diagnostics
            .iter()
            .filter(|d| d.level == stet::Level::Error)
            .count();
        let after_errors = diffed
            .after
            .diagnostics
            .iter()
            .filter(|d| d.level == stet::Level::Error)
            .count();
        if before_errors + after_errors > 0 && !known_bad(pair) {
            unexpected.push(format!(
                "{}: {:?}",
                pair.display(),
                diffed
                    .diagnostics
                    .iter()
                    .filter(|d| d.level == stet::Level::Error)
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
            ));
        }
        let (found, rule_problems) = stet::check_changes(&diffed, &change_rules);
        assert!(
            rule_problems.is_empty(),
            "{}: change rules failed: {rule_problems:?}",
            pair.display()
        );
        for f in found {
            assert!(
                f.span.start.line >= 1 && !f.resource.is_empty(),
                "{}: {f:?}",
                pair.display()
            );
            *findings.entry(f.rule).or_default() += 1;
        }
        for change in &diffed.changes {
            assert!(
                change.span.start.line >= 1,
                "{}: {} has no line",
                pair.display(),
                change.address
            );
            for a in &change.attributes {
                assert!(
                    a.span.start.line >= 1,
                    "{}: {}.{} has no line",
                    pair.display(),
                    change.address,
                    a.path
                );
            }
            *actions
                .entry(change.action.as_str().to_string())
                .or_default() += 1;
            if matches!(change.action, stet::Action::Update | stet::Action::Replace) {
                *replacements
                    .entry(change.replacement.as_str().to_string())
                    .or_default() += 1;
            }
        }
    }
    eprintln!(
        "{} pairs; actions {actions:?}; replacement of updates/replacements {replacements:?}; \
         change-rule findings {findings:?}",
        pairs.len()
    );
    assert!(
        unexpected.is_empty(),
        "errors on pairs not known to be bad:\n{}",
        unexpected.join("\n")
    );
}

/// Pairs whose files are not valid templates on one side (cookiecutter placeholders, tool
/// fixtures that are broken on purpose), listed in `fixtures/changes/corpus-known-bad.txt`.
fn known_bad(pair: &Path) -> bool {
    let list =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/changes/corpus-known-bad.txt");
    let text = std::fs::read_to_string(list).unwrap_or_default();
    let name = pair.iter().rev().take(2).collect::<Vec<_>>();
    let key = format!(
        "{}/{}",
        name.get(1).map(|s| s.to_string_lossy()).unwrap_or_default(),
        name.first()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default()
    );
    text.lines()
        .any(|l| l.split('#').next().unwrap_or_default().trim() == key)
}
