//! What a rule file does, in a form both engines can be reduced to and compared by: whether
//! it loads, and for each document either each rule's statuses or an evaluation error.
//! stet's answer is computed here; cfn-guard's is read from a recording (or, with cfn-guard
//! installed, from running it: `examples/guard_oracle.rs`).

use std::collections::BTreeMap;
use std::path::Path;

/// A rule file's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The file does not parse.
    Rejected,
    /// The file parses; per document (by file name), its outcome.
    Accepted(BTreeMap<String, DocumentOutcome>),
}

/// A rule file's outcome on one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentOutcome {
    /// Evaluation stopped with an error.
    Error,
    /// Each rule's statuses (rules may share a name), `PASS`, `FAIL` or `SKIP`, sorted and
    /// joined by commas.
    Statuses(BTreeMap<String, String>),
}

impl Answer {
    /// The answer as JSON (`"rejected"`, or `{document: "error" | {rule: status}}`).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Answer::Rejected => serde_json::Value::String("rejected".into()),
            Answer::Accepted(documents) => serde_json::Value::Object(
                documents
                    .iter()
                    .map(|(name, outcome)| {
                        let value = match outcome {
                            DocumentOutcome::Error => serde_json::Value::String("error".into()),
                            DocumentOutcome::Statuses(statuses) => serde_json::Value::Object(
                                statuses
                                    .iter()
                                    .map(|(r, s)| (r.clone(), serde_json::Value::String(s.clone())))
                                    .collect(),
                            ),
                        };
                        (name.clone(), value)
                    })
                    .collect(),
            ),
        }
    }

    /// Reads [`Answer::to_json`]'s form.
    pub fn from_json(value: &serde_json::Value) -> Option<Answer> {
        match value {
            serde_json::Value::String(s) if s == "rejected" => Some(Answer::Rejected),
            serde_json::Value::Object(documents) => {
                let mut out = BTreeMap::new();
                for (name, outcome) in documents {
                    let outcome = match outcome {
                        serde_json::Value::String(s) if s == "error" => DocumentOutcome::Error,
                        serde_json::Value::Object(statuses) => DocumentOutcome::Statuses(
                            statuses
                                .iter()
                                .map(|(r, s)| Some((r.clone(), s.as_str()?.to_string())))
                                .collect::<Option<_>>()?,
                        ),
                        _ => return None,
                    };
                    out.insert(name.clone(), outcome);
                }
                Some(Answer::Accepted(out))
            }
            _ => None,
        }
    }
}

/// The documents of a folder (`.yaml`, `.yml`, `.json`), by file name, read as cfn-guard
/// reads data files.
pub fn documents(dir: &Path) -> Vec<(String, stet_graph::Value)> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).ok()?;
            let value = stet_rules::parse_data(name.as_str().into(), &text).ok()??;
            Some((name, value))
        })
        .collect()
}

/// stet's answer for `rules` on `documents`.
pub fn stet_answer(rules: &str, documents: &[(String, stet_graph::Value)]) -> Answer {
    let Ok(set) = stet_rules::RuleSet::parse("case.guard", rules) else {
        return Answer::Rejected;
    };
    let mut out = BTreeMap::new();
    for (name, document) in documents {
        let outcome = match set.evaluate(document) {
            Ok(results) if results.is_empty() => DocumentOutcome::Statuses(BTreeMap::new()),
            Ok(results) => {
                let mut statuses: BTreeMap<String, Vec<&str>> = BTreeMap::new();
                for r in &results {
                    statuses
                        .entry(r.name.clone())
                        .or_default()
                        .push(r.status.as_str());
                }
                DocumentOutcome::Statuses(
                    statuses
                        .into_iter()
                        .map(|(n, mut s)| {
                            s.sort_unstable();
                            s.dedup();
                            (n, s.join(","))
                        })
                        .collect(),
                )
            }
            Err(_) => DocumentOutcome::Error,
        };
        out.insert(name.clone(), outcome);
    }
    Answer::Accepted(out)
}
