//! Real commits (issue #14, item 6): for every fixture in `fixtures/terraform-commits/`, what
//! `terraform plan` would report for a commit of `../shared/corpus/changes`, judged by hand
//! from the provider's schema facts and Terraform's semantics (each address with a one-line
//! reason), compared with `stet::diff_paths` on the pair.
//!
//! A disagreement stet has today is marked in its fixture with `"stet_today"` (what stet
//! says, `action/replacement` or `absent`); the test fails on every disagreement that is not
//! so marked, and on every mark that no longer matches what stet says (so marks cannot go
//! stale when stet is fixed). The second test checks that every Terraform pair of the corpus
//! whose files are equal once comments and whitespace are removed gives no change.
//!
//! Skipped (with a message) when `../shared/corpus` is absent. Run with `-- --nocapture` for
//! the counts.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/changes");
    dir.canonicalize().ok().filter(|d| d.is_dir())
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/terraform-commits")
}

/// The folder of a change's document under the pair's side (`""` for the side itself).
fn document_under(document: &str, before: &Path, after: &Path) -> String {
    let doc = Path::new(document);
    for side in [after, before] {
        if let Ok(rest) = doc.strip_prefix(side) {
            return rest.to_string_lossy().replace('\\', "/");
        }
    }
    document.to_string()
}

/// What stet says about each address of a pair, keyed as the fixture keys it: the address
/// in the fixture's `document`, `DOCUMENT::ADDRESS` in any other.
fn stet_says(
    before: &Path,
    after: &Path,
    default_doc: &str,
) -> (BTreeMap<String, String>, Vec<String>) {
    let diffed = stet::diff_paths(before, after, &Default::default()).unwrap();
    let mut says = BTreeMap::new();
    let mut twice = Vec::new();
    for change in &diffed.changes {
        let doc = document_under(&change.document, before, after);
        let label = if doc == default_doc {
            change.address.clone()
        } else {
            format!("{doc}::{}", change.address)
        };
        let answer = format!("{}/{}", change.action.as_str(), change.replacement.as_str());
        if let Some(old) = says.insert(label.clone(), answer.clone()) {
            twice.push(format!("{label} reported twice ({old}, {answer})"));
        }
    }
    (says, twice)
}

/// Whether stet's answer (`action/replacement`) is the expected one.
fn agrees(expected: Option<&Value>, stet: Option<&String>) -> bool {
    match (expected, stet) {
        (None, None) => true,
        (Some(e), Some(s)) => {
            let (action, replacement) = s.split_once('/').unwrap_or((s.as_str(), ""));
            e["action"].as_str() == Some(action)
                && e["replacement"]
                    .as_str()
                    .is_none_or(|want| want == replacement)
        }
        _ => false,
    }
}

const ACTIONS: [&str; 6] = ["create", "delete", "update", "replace", "move", "forget"];
const REPLACEMENTS: [&str; 4] = ["always", "conditional", "unknown", "never"];

#[test]
fn real_commits_agree_with_the_fixtures() {
    let Some(root) = corpus() else {
        eprintln!("skipped: ../shared/corpus/changes is not here");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 36,
        "expected at least 36 fixtures, found {}",
        files.len()
    );
    let (mut total, mut agreeing, mut marked) = (0, 0, 0);
    let mut repos = BTreeSet::new();
    let mut failures = Vec::new();
    for file in &files {
        let name = file.display();
        let fixture: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let pair = fixture["pair"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no pair"));
        for key in ["commit", "why"] {
            assert!(fixture[key].is_string(), "{name}: no `{key}`");
        }
        repos.insert(pair.split('/').next().unwrap_or_default().to_string());
        let dir = root.join(pair);
        assert!(
            dir.join("before").is_dir(),
            "{name}: {} is not a pair",
            dir.display()
        );
        let default_doc = fixture["document"].as_str().unwrap_or_default();
        let expect = fixture["expect"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}: no expect"));
        let mut marks: BTreeMap<String, String> = BTreeMap::new();
        for (label, e) in expect {
            assert!(
                ACTIONS.contains(&e["action"].as_str().unwrap_or_default()),
                "{name}: {label}: bad action {}",
                e["action"]
            );
            assert!(
                e["replacement"]
                    .as_str()
                    .is_none_or(|r| REPLACEMENTS.contains(&r)),
                "{name}: {label}: bad replacement {}",
                e["replacement"]
            );
            assert!(e["reason"].is_string(), "{name}: {label}: no reason");
            if let Some(m) = e["stet_today"].as_str() {
                marks.insert(label.clone(), m.to_string());
            }
        }
        if let Some(extra) = fixture["stet_today"].as_object() {
            for (label, m) in extra {
                assert!(!expect.contains_key(label), "{name}: {label} marked twice");
                marks.insert(label.clone(), m.as_str().unwrap_or_default().to_string());
            }
        }
        let (says, twice) = stet_says(&dir.join("before"), &dir.join("after"), default_doc);
        failures.extend(twice.into_iter().map(|t| format!("{pair}: {t}")));
        let labels: BTreeSet<&String> = expect
            .keys()
            .chain(says.keys())
            .chain(marks.keys())
            .collect();
        for label in labels {
            total += 1;
            let stet = says.get(label);
            let stet_text = stet.map_or("absent", String::as_str);
            let expected = expect.get(label);
            let want = expected.map_or("no change".to_string(), |e| {
                format!(
                    "{}{}",
                    e["action"].as_str().unwrap_or_default(),
                    e["replacement"]
                        .as_str()
                        .map(|r| format!("/{r}"))
                        .unwrap_or_default()
                )
            });
            match (agrees(expected, stet), marks.get(label)) {
                (true, None) => agreeing += 1,
                (true, Some(_)) => failures.push(format!(
                    "{pair}: {label}: stet now agrees ({stet_text}): remove its stet_today mark"
                )),
                (false, Some(m)) if m == stet_text => {
                    marked += 1;
                    eprintln!("known disagreement {pair}: {label}: expected {want}, stet {stet_text}");
                }
                (false, Some(m)) => failures.push(format!(
                    "{pair}: {label}: expected {want}, stet says {stet_text}, marked {m}: update the mark"
                )),
                (false, None) => failures.push(format!(
                    "{pair}: {label}: expected {want}, stet says {stet_text}"
                )),
            }
        }
    }
    eprintln!(
        "{} fixtures from {} repositories: {agreeing}/{total} addresses agree, {marked} known \
         disagreements marked stet_today",
        files.len(),
        repos.len()
    );
    assert!(
        repos.len() >= 8,
        "fixtures from only {} repositories",
        repos.len()
    );
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}

/// `text` without comments and whitespace, heredoc bodies and strings kept as they are.
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    let mut in_block = false;
    while let Some(line) = lines.next() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        let mut heredoc = None;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if in_block {
                if c == '*' && next == Some('/') {
                    in_block = false;
                    i += 1;
                }
            } else if c == '"' {
                out.push(c);
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        out.push(chars[i]);
                        i += 1;
                    }
                    out.push(chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    out.push('"');
                }
            } else if c == '#' || (c == '/' && next == Some('/')) {
                break;
            } else if c == '/' && next == Some('*') {
                in_block = true;
                i += 1;
            } else if c == '<' && next == Some('<') {
                let rest: String = chars[i + 2..].iter().collect();
                let tag: String = rest
                    .trim_start_matches('-')
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push_str("<<");
                if !tag.is_empty() {
                    out.push_str(&tag);
                    heredoc = Some(tag);
                    break;
                }
                i += 1;
            } else if !c.is_whitespace() {
                out.push(c);
            }
            i += 1;
        }
        if let Some(tag) = heredoc {
            for body in lines.by_ref() {
                out.push_str(body);
                out.push('\n');
                if body.trim() == tag {
                    break;
                }
            }
        }
    }
    out
}

/// The Terraform files under `dir`, by path under it.
fn terraform_files(dir: &Path, under: &Path, out: &mut BTreeMap<PathBuf, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            terraform_files(&path, under, out);
        } else if path.extension().is_some_and(|x| x == "tf" || x == "tfvars") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let key = path.strip_prefix(under).unwrap_or(&path).to_path_buf();
            out.insert(key, text);
        }
    }
}

#[test]
fn comment_and_format_only_commits_change_nothing() {
    let Some(root) = corpus() else {
        eprintln!("skipped: ../shared/corpus/changes is not here");
        return;
    };
    let mut pairs = Vec::new();
    for repo in std::fs::read_dir(&root).unwrap().flatten() {
        for change in std::fs::read_dir(repo.path()).unwrap().flatten() {
            pairs.push(change.path());
        }
    }
    pairs.sort();
    let mut same = Vec::new();
    let mut failures = Vec::new();
    for pair in &pairs {
        let (before, after) = (pair.join("before"), pair.join("after"));
        let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
        terraform_files(&before, &before, &mut old);
        terraform_files(&after, &after, &mut new);
        if old.is_empty()
            || old.keys().ne(new.keys())
            || old
                .iter()
                .zip(&new)
                .any(|((_, a), (_, b))| without_comments(a) != without_comments(b))
        {
            continue;
        }
        let name = pair
            .strip_prefix(&root)
            .unwrap_or(pair)
            .display()
            .to_string();
        let diffed = stet::diff_paths(&before, &after, &Default::default()).unwrap();
        if !diffed.changes.is_empty() {
            failures.push(format!(
                "{name}: {}",
                diffed
                    .changes
                    .iter()
                    .map(|c| format!("{} {}", c.action.as_str(), c.address))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        same.push(name);
    }
    eprintln!(
        "{} Terraform pairs equal without comments and whitespace: {}",
        same.len(),
        same.join(", ")
    );
    assert!(
        !same.is_empty(),
        "no comment/format-only pair found: the comparison is broken"
    );
    assert!(
        failures.is_empty(),
        "changes reported for comment/format-only commits:\n{}",
        failures.join("\n")
    );
}

#[test]
fn comments_and_whitespace_are_removed_but_not_from_strings_or_heredocs() {
    let a = "a = \"x # y\" # c\n/* b */ b = 1 // d\nc = <<EOF\n# kept\nEOF\n";
    let b = "a   =   \"x # y\"\nb=1\nc = <<EOF\n# kept\nEOF\n";
    assert_eq!(without_comments(a), without_comments(b));
    let c = "c = <<EOF\n# changed\nEOF\n";
    assert_ne!(without_comments(b), without_comments(c));
    assert_ne!(
        without_comments("a = \"x # y\""),
        without_comments("a = \"x # z\"")
    );
}
