//! Differential testing of stet's rule engine against the installed cfn-guard (3.2.1).
//!
//! ```text
//! cargo run -p stet-rules --example guard_oracle -- run SEED COUNT
//!     generate COUNT rule files from SEED, run both engines on the documents in
//!     fixtures/guard-differential/documents, print every disagreement and the agreement
//! cargo run -p stet-rules --example guard_oracle -- record SEED COUNT
//!     the same, writing cfn-guard's answers to fixtures/guard-differential/answers.json
//!     (read by tests/differential.rs, which needs no cfn-guard)
//! cargo run -p stet-rules --example guard_oracle -- show SEED INDEX
//!     print one generated rule file
//! cargo run -p stet-rules --example guard_oracle -- check-productions
//!     check fixtures/guard-language/productions.yaml (what each production accepts and
//!     rejects) against cfn-guard, and stet against it
//! cargo run -p stet-rules --example guard_oracle -- corpus RULES_DIR DATA_DIR
//!     every rule file of RULES_DIR on every JSON/YAML file under DATA_DIR (read as cfn-guard
//!     reads data files), with both engines; prints the agreement and every disagreement
//! cargo run -p stet-rules --example guard_oracle -- record-conformance
//!     run cfn-guard on its own test resources (../shared/conformance/cloudformation-guard):
//!     whether each rule file loads, each rule file x data file verdict, each test file's
//!     failed expectations; written to fixtures/guard-conformance/answers.json (read by
//!     tests/cloudformation_guard.rs)
//! ```
//!
//! cfn-guard is looked up as `$CFN_GUARD`, else `cfn-guard` on the `PATH`.

#[allow(dead_code)] // the recording side uses part of what the tests use
#[path = "../tests/support/answers.rs"]
mod answers;
#[path = "../tests/support/generate.rs"]
mod generate;

use answers::{Answer, DocumentOutcome};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let docs_dir = root.join("fixtures/guard-differential/documents");
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
    match (args.first().map(String::as_str), number(1), number(2)) {
        (Some("show"), Some(seed), Some(index)) => print!("{}", generate::case(seed, index)),
        (Some("corpus"), _, _) => match (args.get(1), args.get(2)) {
            (Some(rules), Some(data)) => corpus(Path::new(rules), Path::new(data)),
            _ => {
                eprintln!("usage: guard_oracle corpus RULES_DIR DATA_DIR");
                std::process::exit(2);
            }
        },
        (Some("check-productions"), _, _) => {
            let failures =
                check_productions(&root.join("fixtures/guard-language/productions.yaml"));
            std::process::exit(i32::from(failures > 0));
        }
        (Some("record-conformance"), _, _) => {
            let base = root.join("../shared/conformance/cloudformation-guard");
            let answers = conformance(&base);
            let path = root.join("fixtures/guard-conformance/answers.json");
            let _ = std::fs::create_dir_all(root.join("fixtures/guard-conformance"));
            let text = serde_json::to_string_pretty(&answers).unwrap_or_default();
            if let Err(e) = std::fs::write(&path, text + "\n") {
                eprintln!("{}: {e}", path.display());
                std::process::exit(2);
            }
            eprintln!("wrote {}", path.display());
        }
        (Some(mode @ ("run" | "record")), Some(seed), Some(count)) => {
            let summary = differential(&docs_dir, seed, count, mode == "record");
            if mode == "record" {
                let path = root.join("fixtures/guard-differential/answers.json");
                let text = serde_json::to_string_pretty(&summary).unwrap_or_default();
                if let Err(e) = std::fs::write(&path, text + "\n") {
                    eprintln!("{}: {e}", path.display());
                    std::process::exit(2);
                }
                eprintln!("wrote {}", path.display());
            }
        }
        _ => {
            eprintln!("usage: guard_oracle run|record SEED COUNT | show SEED INDEX");
            std::process::exit(2);
        }
    }
}

/// Runs `count` generated cases through both engines; the recorded answers (cfn-guard's).
fn differential(docs_dir: &Path, seed: u64, count: u64, quiet: bool) -> serde_json::Value {
    let documents = answers::documents(docs_dir);
    let work = std::env::temp_dir().join(format!("stet-guard-oracle-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&work);
    let mut cases = Vec::new();
    let (mut loads_agree, mut verdicts, mut verdicts_agree) = (0u64, 0u64, 0u64);
    let mut accepted_both = 0u64;
    let mut classes: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    for index in 0..count {
        let text = generate::case(seed, index);
        let theirs = cfn_guard_answer(&text, docs_dir, &work);
        let ours = answers::stet_answer(&text, &documents);
        match (&ours, &theirs) {
            (Answer::Rejected, Answer::Rejected) => loads_agree += 1,
            (Answer::Accepted(a), Answer::Accepted(b)) => {
                loads_agree += 1;
                accepted_both += 1;
                for (doc, theirs_doc) in b {
                    verdicts += 1;
                    match theirs_doc {
                        DocumentOutcome::Error => *kinds.entry("error".into()).or_default() += 1,
                        DocumentOutcome::Statuses(s) => {
                            for status in s.values() {
                                *kinds.entry(status.clone()).or_default() += 1;
                            }
                        }
                    }
                    if a.get(doc) == Some(theirs_doc) {
                        verdicts_agree += 1;
                    } else if !quiet {
                        let class = format!(
                            "{doc}: stet {}, cfn-guard {}",
                            outcome_text(a.get(doc)),
                            outcome_text(Some(theirs_doc))
                        );
                        println!(
                            "--- case {index} (seed {seed}) verdict differs on {class}\n{text}\n"
                        );
                        classes.entry("verdict".into()).or_default().0 += 1;
                        classes.entry("verdict".into()).or_default().1 = index;
                    }
                }
            }
            _ => {
                if !quiet {
                    println!(
                        "--- case {index} (seed {seed}) loads differently: stet {}, cfn-guard {}\n{text}\n",
                        if ours == Answer::Rejected { "rejects" } else { "accepts" },
                        if theirs == Answer::Rejected { "rejects" } else { "accepts" }
                    );
                    classes.entry("load".into()).or_default().0 += 1;
                }
            }
        }
        cases.push(serde_json::json!({
            "index": index,
            "hash": generate::hash(&text),
            "answer": theirs.to_json(),
        }));
    }
    let _ = std::fs::remove_dir_all(&work);
    eprintln!(
        "seed {seed}, {count} rule files: load agreement {loads_agree}/{count}; accepted by both {accepted_both}; verdicts (rule file x document) {verdicts_agree}/{verdicts} agree; disagreements by kind {classes:?}; cfn-guard's verdicts: {kinds:?}; documents where cfn-guard's reporter crashed (verdicts from `cfn-guard test`): {}",
        REPORTER_CRASHES.load(std::sync::atomic::Ordering::Relaxed)
    );
    serde_json::json!({
        "about": "cfn-guard 3.2.1's answers for the generated rule files (crates/stet-rules/tests/support/generate.rs) on fixtures/guard-differential/documents, recorded by `cargo run -p stet-rules --example guard_oracle -- record SEED COUNT`",
        "seed": seed,
        "count": count,
        "cases": cases,
    })
}

fn outcome_text(outcome: Option<&DocumentOutcome>) -> String {
    match outcome {
        None => "nothing".into(),
        Some(DocumentOutcome::Error) => "error".into(),
        Some(DocumentOutcome::Statuses(s)) => format!("{s:?}"),
    }
}

fn cfn_guard() -> String {
    std::env::var("CFN_GUARD").unwrap_or_else(|_| "cfn-guard".into())
}

/// cfn-guard's answer for `text` on the documents of `docs_dir`.
fn cfn_guard_answer(text: &str, docs_dir: &Path, work: &Path) -> Answer {
    let rules = work.join("case.guard");
    if std::fs::write(&rules, text).is_err() {
        return Answer::Rejected;
    }
    let docs: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(docs_dir)
            .map(|e| e.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        v.sort();
        v
    };
    let run = |data: &Path| {
        Command::new(cfn_guard())
            .args(["validate", "-r"])
            .arg(&rules)
            .arg("-d")
            .arg(data)
            .args(["-o", "json", "--show-summary", "none"])
            .output()
    };
    let Ok(all) = run(docs_dir) else {
        eprintln!("cannot run {}", cfn_guard());
        std::process::exit(2);
    };
    match all.status.code() {
        Some(5) => return Answer::Rejected,
        Some(0 | 19) => {
            if let Some(outcomes) = read_reports(&String::from_utf8_lossy(&all.stdout)) {
                let mut out = BTreeMap::new();
                for doc in &docs {
                    let name = doc
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    out.insert(
                        name.clone(),
                        outcomes
                            .get(&name)
                            .cloned()
                            .unwrap_or(DocumentOutcome::Statuses(BTreeMap::new())),
                    );
                }
                return Answer::Accepted(out);
            }
        }
        _ => {}
    }
    // An error on one document stops cfn-guard: run them one by one.
    let mut out = BTreeMap::new();
    for doc in &docs {
        let name = doc
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outcome = match run(doc) {
            Ok(o) if matches!(o.status.code(), Some(0 | 19)) => {
                read_reports(&String::from_utf8_lossy(&o.stdout))
                    .and_then(|r| r.into_values().next())
                    .unwrap_or(DocumentOutcome::Statuses(BTreeMap::new()))
            }
            Ok(o) if o.status.code() == Some(5) => return Answer::Rejected,
            Ok(o)
                if String::from_utf8_lossy(&o.stderr)
                    .contains("report_all_failed_clauses_for_rules") =>
            {
                // cfn-guard 3.2.1's reporters panic on a failing clause whose left-hand side is
                // a literal `let` (a bug: `unreachable!` in `report_all_failed_clauses_for_rules`);
                // the evaluator's verdicts are what `cfn-guard test` reports.
                REPORTER_CRASHES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                verdicts_by_test_command(&rules, text, doc, work).unwrap_or(DocumentOutcome::Error)
            }
            _ => DocumentOutcome::Error,
        };
        out.insert(name, outcome);
    }
    Answer::Accepted(out)
}

/// Documents on which cfn-guard's `validate` crashed in its reporter.
static REPORTER_CRASHES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The verdicts of `cfn-guard test` on `doc` (converted to JSON as `validate` reads it, so
/// its values keep their types).
fn verdicts_by_test_command(
    rules: &Path,
    text: &str,
    doc: &Path,
    work: &Path,
) -> Option<DocumentOutcome> {
    let names = stet_rules::RuleSet::parse("case.guard", text).ok()?;
    let doc_text = std::fs::read_to_string(doc).ok()?;
    let value = stet_rules::parse_data(doc.to_string_lossy().as_ref().into(), &doc_text).ok()??;
    let prefix = rules.to_string_lossy();
    let expectations: serde_json::Map<String, serde_json::Value> = names
        .rule_names()
        .into_iter()
        .map(|n| {
            let n = if n == "default" {
                format!("{prefix}/default")
            } else {
                n.to_string()
            };
            (n, serde_json::Value::String("PASS".into()))
        })
        .collect();
    let spec = serde_json::json!([{"name": "doc", "input": value.to_json(), "expectations": {"rules": expectations}}]);
    let spec_path = work.join("case_tests.json");
    std::fs::write(&spec_path, spec.to_string()).ok()?;
    let output = Command::new(cfn_guard())
        .args(["test", "-r"])
        .arg(rules)
        .arg("-t")
        .arg(&spec_path)
        .args(["-o", "json"])
        .output()
        .ok()?;
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    let case = report.get("test_cases")?.get(0)?;
    let mut statuses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let short = |n: &str| match n.rsplit_once('/') {
        Some((_, "default")) => "default".to_string(),
        _ => n.to_string(),
    };
    for passed in case.get("passed_rules")?.as_array()? {
        statuses
            .entry(short(passed.get("name")?.as_str()?))
            .or_default()
            .push("PASS".into());
    }
    for failed in case.get("failed_rules")?.as_array()? {
        for status in failed.get("evaluated")?.as_array()? {
            statuses
                .entry(short(failed.get("name")?.as_str()?))
                .or_default()
                .push(status.as_str()?.to_string());
        }
    }
    Some(DocumentOutcome::Statuses(
        statuses
            .into_iter()
            .map(|(n, mut s)| {
                s.sort_unstable();
                s.dedup();
                (n, s.join(","))
            })
            .collect(),
    ))
}

/// The JSON reports cfn-guard writes one after another, by data file name.
fn read_reports(text: &str) -> Option<BTreeMap<String, DocumentOutcome>> {
    let mut out = BTreeMap::new();
    for report in serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>() {
        let report = report.ok()?;
        let name = Path::new(report.get("name")?.as_str()?)
            .file_name()?
            .to_string_lossy()
            .into_owned();
        let mut statuses: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        let rule_name = |v: &serde_json::Value| -> Option<String> {
            let n = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other
                    .get("Rule")
                    .and_then(|r| r.get("name"))
                    .or_else(|| other.get("name"))?
                    .as_str()?
                    .to_string(),
            };
            // The rule outside any rule is `<file>/default` in cfn-guard's reports.
            Some(match n.rsplit_once('/') {
                Some((_, "default")) => "default".to_string(),
                _ => n,
            })
        };
        for (key, status) in [
            ("compliant", "PASS"),
            ("not_applicable", "SKIP"),
            ("not_compliant", "FAIL"),
        ] {
            for v in report
                .get(key)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                if let Some(n) = rule_name(v) {
                    statuses.entry(n).or_default().push(status);
                }
            }
        }
        out.insert(
            name,
            DocumentOutcome::Statuses(
                statuses
                    .into_iter()
                    .map(|(n, mut s)| {
                        s.sort_unstable();
                        s.dedup();
                        (n, s.join(","))
                    })
                    .collect(),
            ),
        );
    }
    Some(out)
}

/// Files under `dir` (recursively) whose names end with one of `endings`, sorted.
fn files(dir: &Path, endings: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                if !p.ends_with("output-dir") {
                    stack.push(p);
                }
            } else if endings.iter().any(|e| p.to_string_lossy().ends_with(e)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A path relative to `base`, as the recording names it.
fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// A rule file and a data (or test) file.
type Pair = (PathBuf, PathBuf);

/// The rule file x data file pairs of cfn-guard's own `validate` resources, and the rule
/// file x test file pairs its `test` resources and examples use.
pub fn conformance_pairs(base: &Path) -> (Vec<Pair>, Vec<Pair>) {
    let resources = base.join("guard/resources");
    let validate = resources.join("validate");
    let data_endings = [".yaml", ".yml", ".json"];
    let mut pairs = Vec::new();
    let rules: Vec<PathBuf> = files(&validate, &[".guard"])
        .into_iter()
        .filter(|p| !p.starts_with(validate.join("functions")))
        .collect();
    let data: Vec<PathBuf> = files(&validate, &data_endings)
        .into_iter()
        .filter(|p| !p.starts_with(validate.join("functions")))
        .collect();
    for r in &rules {
        for d in &data {
            pairs.push((r.clone(), d.clone()));
        }
    }
    for r in files(&validate.join("functions/rules"), &[".guard"]) {
        pairs.push((r, validate.join("functions/data/template.yaml")));
    }
    pairs.push((
        resources.join("test-command/functions/rules/json_parse.guard"),
        resources.join("test-command/functions/data/template.yaml"),
    ));
    let sse = validate.join("rules-dir/s3_bucket_server_side_encryption_enabled.guard");
    let data_dir = resources.join("test-command/data-dir");
    let mut tests = vec![
        (
            sse.clone(),
            data_dir.join("s3_bucket_server_side_encryption_enabled.yaml"),
        ),
        (
            sse.clone(),
            data_dir.join("s3_bucket_server_side_encryption_enabled.json"),
        ),
        (
            sse.clone(),
            data_dir.join("s3_bucket_logging_enabled_tests.yaml"),
        ),
        (
            sse.clone(),
            data_dir.join("s3_bucket_logging_enabled_tests.json"),
        ),
        (sse, data_dir.join("failing_test.yaml")),
        (
            resources.join("test-command/dir/s3_bucket_logging_enabled.guard"),
            resources.join("test-command/dir/tests/s3_bucket_logging_enabled_tests.yaml"),
        ),
        (
            resources.join("test-command/dir/s3_bucket_server_side_encryption_enabled.guard"),
            resources.join("test-command/dir/tests/s3_bucket_server_side_encryption_enabled.json"),
        ),
        (
            resources.join("test-command/functions/rules/json_parse.guard"),
            resources.join("test-command/functions/data/template.yaml"),
        ),
        (
            resources.join("test-command/rule-dir/invalid_rule.guard"),
            data_dir.join("test.yaml"),
        ),
    ];
    for r in files(&base.join("guard-examples"), &[".guard"]) {
        let t = PathBuf::from(r.to_string_lossy().replace(".guard", "-tests.yaml"));
        if t.is_file() {
            tests.push((r, t));
        }
    }
    (pairs, tests)
}

/// cfn-guard's answers on its own resources.
fn conformance(base: &Path) -> serde_json::Value {
    let work = std::env::temp_dir().join(format!("stet-guard-oracle-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&work);
    let mut rule_files = serde_json::Map::new();
    for r in files(&base.join("guard/resources"), &[".guard"])
        .into_iter()
        .chain(files(&base.join("guard-examples"), &[".guard"]))
    {
        let loads = Command::new(cfn_guard())
            .args(["parse-tree", "-r"])
            .arg(&r)
            .output()
            .is_ok_and(|o| o.status.success());
        rule_files.insert(relative(&r, base), serde_json::Value::Bool(loads));
    }
    let (pairs, tests) = conformance_pairs(base);
    let mut validate = serde_json::Map::new();
    for (r, d) in &pairs {
        let text = std::fs::read_to_string(r).unwrap_or_default();
        let docs = work.join("docs");
        let _ = std::fs::remove_dir_all(&docs);
        let _ = std::fs::create_dir_all(&docs);
        let name = d
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = std::fs::copy(d, docs.join(&name));
        let answer = match cfn_guard_answer(&text, &docs, &work) {
            Answer::Rejected => serde_json::Value::String("rejected".into()),
            Answer::Accepted(mut outcomes) => match outcomes.remove(&name) {
                Some(outcome) => Answer::Accepted([("document".to_string(), outcome)].into())
                    .to_json()["document"]
                    .clone(),
                None => serde_json::Value::String("error".into()),
            },
        };
        validate.insert(
            format!("{} | {}", relative(r, base), relative(d, base)),
            answer,
        );
    }
    let mut test_answers = serde_json::Map::new();
    for (r, t) in &tests {
        let output = Command::new(cfn_guard())
            .args(["test", "-r"])
            .arg(r)
            .arg("-t")
            .arg(t)
            .args(["-o", "json"])
            .output();
        let failed: Option<Vec<serde_json::Value>> = output.ok().and_then(|o| {
            let report: serde_json::Value = serde_json::from_slice(&o.stdout).ok()?;
            let mut failed = Vec::new();
            for case in report.get("test_cases")?.as_array()? {
                for rule in case.get("failed_rules")?.as_array()? {
                    failed.push(serde_json::json!([case.get("name")?, rule.get("name")?]));
                }
            }
            Some(failed)
        });
        test_answers.insert(
            format!("{} | {}", relative(r, base), relative(t, base)),
            match failed {
                Some(f) => serde_json::Value::Array(f),
                None => serde_json::Value::String("error".into()),
            },
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    serde_json::json!({
        "about": "cfn-guard 3.2.1's answers on its own test resources (../shared/conformance/cloudformation-guard): whether each rule file loads (parse-tree), the verdict of each rule file on each data file (validate -o json; `rejected`, `error`, or each rule's status), and the failed expectations of each test file (test -o json, [case, rule]); recorded by `cargo run -p stet-rules --example guard_oracle -- record-conformance`",
        "rule_files": rule_files,
        "validate": validate,
        "test": test_answers,
    })
}

/// Checks each snippet of the productions file against cfn-guard (and stet); the number of
/// snippets where either disagrees with the file.
fn check_productions(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let Ok(Some(productions)) =
        stet_rules::parse_test_yaml(path.to_string_lossy().as_ref().into(), &text)
    else {
        eprintln!("{}: not readable", path.display());
        return 1;
    };
    let work = std::env::temp_dir().join(format!("stet-guard-oracle-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&work);
    let data = work.join("data.json");
    let _ = std::fs::write(&data, "{}");
    let rules = work.join("snippet.guard");
    let (mut snippets, mut failures) = (0, 0);
    for production in productions.as_list().unwrap_or_default() {
        let name = production
            .get("production")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        for (key, accepts) in [("accepts", true), ("rejects", false)] {
            for snippet in production
                .get(key)
                .and_then(|v| v.as_list())
                .unwrap_or_default()
            {
                let Some(snippet) = snippet.as_str() else {
                    continue;
                };
                snippets += 1;
                let _ = std::fs::write(&rules, snippet);
                let guard_accepts = Command::new(cfn_guard())
                    .args(["validate", "-S", "none", "-r"])
                    .arg(&rules)
                    .arg("-d")
                    .arg(&data)
                    .output()
                    .is_ok_and(|o| o.status.code() != Some(5));
                let stet_accepts = stet_rules::RuleSet::parse("snippet.guard", snippet).is_ok();
                if guard_accepts != accepts || stet_accepts != accepts {
                    failures += 1;
                    println!(
                        "{name}: the file says it {}, cfn-guard {}, stet {}:\n{snippet}\n",
                        if accepts { "accepts" } else { "rejects" },
                        if guard_accepts { "accepts" } else { "rejects" },
                        if stet_accepts { "accepts" } else { "rejects" },
                    );
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    eprintln!("{snippets} snippets, {failures} where cfn-guard or stet disagrees with the file");
    failures
}

/// Each rule's statuses on each data file, by data file then rule name.
type Verdicts = BTreeMap<PathBuf, BTreeMap<String, String>>;

/// Both engines on every rule file of `rules_dir` and every data file under `data_dir`.
fn corpus(rules_dir: &Path, data_dir: &Path) {
    let rule_files = files(rules_dir, &[".guard"]);
    let sets: Vec<stet_rules::RuleSet> = rule_files
        .iter()
        .filter_map(|r| {
            let text = std::fs::read_to_string(r).ok()?;
            stet_rules::RuleSet::parse(&r.to_string_lossy(), &text).ok()
        })
        .collect();
    // The data files both can read; cfn-guard stops on the first it cannot.
    let mut documents = Vec::new();
    let mut unreadable = 0;
    for path in files(data_dir, &[".yaml", ".yml", ".json", ".template"]) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match stet_rules::parse_data(path.to_string_lossy().as_ref().into(), &text) {
            Ok(Some(value)) => documents.push((path, value)),
            _ => unreadable += 1,
        }
    }
    let work = std::env::temp_dir().join(format!("stet-guard-corpus-{}", std::process::id()));
    let mut theirs: Verdicts = BTreeMap::new();
    let mut guard_errors: Vec<PathBuf> = Vec::new();
    let paths: Vec<PathBuf> = documents.iter().map(|(p, _)| p.clone()).collect();
    for chunk in paths.chunks(100) {
        guard_verdicts(rules_dir, chunk, &work, &mut theirs, &mut guard_errors);
    }
    let _ = std::fs::remove_dir_all(&work);
    let (mut compared, mut agree, mut stet_errors) = (0u64, 0u64, 0u64);
    let mut classes: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for (path, value) in &documents {
        let Some(guard) = theirs.get(path) else {
            continue;
        };
        let mut ours: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for set in &sets {
            match set.evaluate(value) {
                Ok(results) => {
                    for r in results {
                        let name = if r.name == "default" {
                            format!(
                                "{}/default",
                                Path::new(set.path())
                                    .file_name()
                                    .map(|n| n.to_string_lossy().into_owned())
                                    .unwrap_or_default()
                            )
                        } else {
                            r.name.clone()
                        };
                        ours.entry(name).or_default().push(r.status.as_str());
                    }
                }
                Err(_) => stet_errors += 1,
            }
        }
        for (rule, status) in guard {
            compared += 1;
            let mine = ours.get(rule).map(|s| {
                let mut s = s.clone();
                s.sort_unstable();
                s.dedup();
                s.join(",")
            });
            if mine.as_deref() == Some(status.as_str()) {
                agree += 1;
            } else {
                let class = format!("{rule}: stet {mine:?}, cfn-guard {status}");
                let entry = classes
                    .entry(class)
                    .or_insert((0, path.display().to_string()));
                entry.0 += 1;
            }
        }
    }
    for (class, (n, example)) in &classes {
        println!("{n:6}  {class}  e.g. {example}");
    }
    println!(
        "{} rule files ({} load) x {} data files ({unreadable} unreadable by stet's data reader, {} where cfn-guard stopped with an error): {agree}/{compared} verdicts agree; stet evaluation errors {stet_errors}",
        rule_files.len(),
        sets.len(),
        documents.len(),
        guard_errors.len()
    );
}

/// cfn-guard's verdicts on `chunk`; a chunk it stops on is split until the file is found.
fn guard_verdicts(
    rules_dir: &Path,
    chunk: &[PathBuf],
    work: &Path,
    out: &mut Verdicts,
    errors: &mut Vec<PathBuf>,
) {
    let dir = work.join("data");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let mut names = BTreeMap::new();
    for (i, path) in chunk.iter().enumerate() {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = if ext == "template" {
            "yaml".to_string()
        } else {
            ext
        };
        let link = dir.join(format!("d{i:05}.{ext}"));
        let _ = std::fs::copy(path, &link);
        names.insert(format!("d{i:05}.{ext}"), path.clone());
    }
    let output = Command::new(cfn_guard())
        .args(["validate", "-r"])
        .arg(rules_dir)
        .arg("-d")
        .arg(&dir)
        .args(["-o", "json", "--show-summary", "none"])
        .output();
    let ok = output
        .as_ref()
        .is_ok_and(|o| matches!(o.status.code(), Some(0 | 19)));
    if !ok {
        if chunk.len() == 1 {
            errors.extend(chunk.iter().cloned());
            return;
        }
        let (a, b) = chunk.split_at(chunk.len() / 2);
        guard_verdicts(rules_dir, a, work, out, errors);
        guard_verdicts(rules_dir, b, work, out, errors);
        return;
    }
    let Ok(output) = output else { return };
    let text = String::from_utf8_lossy(&output.stdout);
    for report in serde_json::Deserializer::from_str(&text)
        .into_iter::<serde_json::Value>()
        .flatten()
    {
        let Some(name) = report.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        let file = Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(path) = names.get(&file) else {
            continue;
        };
        let statuses = out.entry(path.clone()).or_default();
        for (key, status) in [
            ("compliant", "PASS"),
            ("not_applicable", "SKIP"),
            ("not_compliant", "FAIL"),
        ] {
            for v in report
                .get(key)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                let rule = v.as_str().map(str::to_string).or_else(|| {
                    v.get("Rule")
                        .and_then(|r| r.get("name"))
                        .and_then(|n| n.as_str())
                        .map(str::to_string)
                });
                if let Some(rule) = rule {
                    let entry = statuses.entry(rule).or_default();
                    if entry.is_empty() {
                        *entry = status.to_string();
                    } else if !entry.split(',').any(|s| s == status) {
                        let mut all: Vec<&str> = entry.split(',').chain([status]).collect();
                        all.sort_unstable();
                        *entry = all.join(",");
                    }
                }
            }
        }
    }
}
