//! cfn-guard's own test resources (`../shared/conformance/cloudformation-guard`, its
//! `guard/resources/` and `guard-examples/`) as a second conformance set:
//!
//! - every rule file loads where cfn-guard 3.2.1 loads it (and is rejected where it is);
//! - every rule file x data file of the `validate` resources reaches cfn-guard's verdicts;
//! - the `validate` commands of cfn-guard's own test suite end with the exit status it
//!   expects, and reach the verdicts its expected outputs (`output-dir/`) show;
//! - every `test` file's expectations hold where they hold in cfn-guard.
//!
//! cfn-guard's answers are recorded in `fixtures/guard-conformance/answers.json` by
//! `cargo run -p stet-rules --example guard_oracle -- record-conformance`. Skipped, with a
//! message, where the shared resources are absent.

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use stet_rules::{RuleSet, Status};

fn base() -> Option<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/cloudformation-guard");
    if base.is_dir() {
        Some(base)
    } else {
        eprintln!("skipped: {} is absent", base.display());
        None
    }
}

fn recorded() -> Json {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/guard-conformance/answers.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the recorded answers"))
        .expect("the recorded answers are JSON")
}

/// What stet gives for one rule file on one data file, in the recording's form: `rejected`,
/// `error` (the data file cannot be read, or evaluation stopped), or each rule's statuses.
fn stet_verdict(base: &Path, rules: &str, data: &str) -> Json {
    let Some(document) = read_data(&base.join(data)) else {
        return Json::String("error".into());
    };
    let text = std::fs::read_to_string(base.join(rules)).unwrap_or_default();
    let Ok(set) = RuleSet::parse(rules, &text) else {
        return Json::String("rejected".into());
    };
    verdict(&set, &document)
}

fn verdict(set: &RuleSet, document: &stet_graph::Value) -> Json {
    match set.evaluate(document) {
        Ok(results) => {
            let mut statuses: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
            for r in &results {
                statuses
                    .entry(r.name.clone())
                    .or_default()
                    .insert(r.status.as_str());
            }
            Json::Object(
                statuses
                    .into_iter()
                    .map(|(n, s)| (n, Json::String(s.into_iter().collect::<Vec<_>>().join(","))))
                    .collect(),
            )
        }
        Err(_) => Json::String("error".into()),
    }
}

fn read_data(path: &Path) -> Option<stet_graph::Value> {
    let text = std::fs::read_to_string(path).ok()?;
    stet_rules::parse_data(path.to_string_lossy().as_ref().into(), &text)
        .ok()
        .flatten()
}

#[test]
fn every_rule_file_loads_as_cfn_guard_loads_it() {
    let Some(base) = base() else { return };
    let recorded = recorded();
    let rule_files = recorded["rule_files"].as_object().expect("rule files");
    let mut differences = Vec::new();
    let mut loads = 0;
    for (path, cfn_guard_loads) in rule_files {
        let text = std::fs::read_to_string(base.join(path)).expect("a rule file");
        let result = RuleSet::parse(path, &text);
        if result.is_ok() {
            loads += 1;
        }
        if result.is_ok() != cfn_guard_loads.as_bool().unwrap_or(false) {
            differences.push(format!(
                "{path}: stet {}, cfn-guard {}",
                match &result {
                    Ok(_) => "loads it".to_string(),
                    Err(e) => format!("rejects it ({e})"),
                },
                if cfn_guard_loads == true {
                    "loads it"
                } else {
                    "rejects it"
                }
            ));
        }
        // A rejected file is reported at a line and column.
        if let Err(e) = result {
            assert!(e.span().is_some(), "{path}: {e}");
        }
    }
    eprintln!(
        "{} rule files: {loads} load, {} rejected",
        rule_files.len(),
        rule_files.len() - loads
    );
    assert!(
        rule_files.len() >= 40,
        "the recording lists too few rule files"
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn validate_verdicts_match_cfn_guard() {
    let Some(base) = base() else { return };
    let recorded = recorded();
    let pairs = recorded["validate"].as_object().expect("validate pairs");
    let mut differences = Vec::new();
    let mut statuses = 0;
    for (pair, theirs) in pairs {
        let Some((rules, data)) = pair.split_once(" | ") else {
            continue;
        };
        let ours = stet_verdict(&base, rules, data);
        if let Some(map) = theirs.as_object() {
            statuses += map.len();
        }
        if &ours != theirs {
            differences.push(format!("{pair}: stet {ours}, cfn-guard {theirs}"));
        }
    }
    eprintln!(
        "{} rule file x data file pairs, {statuses} rule verdicts, {} differences",
        pairs.len(),
        differences.len()
    );
    assert!(pairs.len() >= 150, "the recording lists too few pairs");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// A `validate` command of cfn-guard's own tests (`guard/tests/validate.rs`, 3.2.1) that
/// uses only resources present here: rule and data paths (files or folders, under
/// `guard/resources/validate/`), parameter files, and the exit status the test expects.
struct Command {
    rules: &'static [&'static str],
    data: &'static [&'static str],
    params: &'static [&'static str],
    exit: i32,
}

const SUCCESS: i32 = 0;
const VALIDATION_ERROR: i32 = 19;
const INTERNAL_FAILURE: i32 = 255;

const fn command(
    rules: &'static [&'static str],
    data: &'static [&'static str],
    exit: i32,
) -> Command {
    Command {
        rules,
        data,
        params: &[],
        exit,
    }
}

const PR: &str = "rules-dir/s3_bucket_public_read_prohibited.guard";
const SSE: &str = "rules-dir/s3_bucket_server_side_encryption_enabled.guard";
const SSE2: &str = "s3_bucket_server_side_encryption_enabled_2.guard";
const REGEX: &str = "rules-dir/advanced_regex_negative_lookbehind_rule.guard";
const PR_C: &str = "data-dir/s3-public-read-prohibited-template-compliant.yaml";
const PR_NC: &str = "data-dir/s3-public-read-prohibited-template-non-compliant.yaml";
const SSE_C: &str = "data-dir/s3-server-side-encryption-template-compliant.yaml";
const SSE2_NC: &str = "s3-server-side-encryption-template-non-compliant-2.yaml";
const FUNCTIONS: &str = "functions/data/template.yaml";

const COMMANDS: &[Command] = &[
    // test_single_data_file_single_rules_file_status
    command(&[PR], &[PR_C], SUCCESS),
    command(&[PR], &[PR_NC], VALIDATION_ERROR),
    command(&["malformed-rule.guard"], &[SSE2_NC], INTERNAL_FAILURE),
    command(&[SSE2], &["malformed-template.yaml"], INTERNAL_FAILURE),
    command(&["blank-rule.guard"], &[SSE2_NC], SUCCESS),
    command(&[SSE2, "blank-rule.guard"], &[SSE2_NC], VALIDATION_ERROR),
    command(&[SSE2], &["blank-template.yaml"], INTERNAL_FAILURE),
    command(&[SSE2], &["blank-template.yaml", SSE2_NC], INTERNAL_FAILURE),
    command(&[PR], &["blank.yaml"], INTERNAL_FAILURE),
    command(&["comments.guard"], &[SSE2_NC], SUCCESS),
    // test_single_data_file_single_rules_file_verbose and _single_rules_file
    command(
        &["workshop.guard"],
        &["template_where_resources_isnt_root.json"],
        VALIDATION_ERROR,
    ),
    command(
        &[SSE],
        &["failing_template_with_slash_in_key.yaml"],
        VALIDATION_ERROR,
    ),
    command(
        &[REGEX],
        &["data-dir/advanced_regex_negative_lookbehind_non_compliant.yaml"],
        VALIDATION_ERROR,
    ),
    command(
        &[REGEX],
        &["data-dir/advanced_regex_negative_lookbehind_compliant.yaml"],
        SUCCESS,
    ),
    // test_different_combinations_of_rules_and_data
    command(&[PR], &[SSE_C, PR_C], SUCCESS),
    command(&[PR, PR], &[PR_C], SUCCESS),
    // test_combinations_of_rules_and_data_non_compliant, test_updated_summary_output
    command(&[PR], &["data-dir/"], VALIDATION_ERROR),
    command(&["rules-dir/"], &[PR_NC], VALIDATION_ERROR),
    command(&["rules-dir/"], &["data-dir/"], VALIDATION_ERROR),
    command(&[PR], &[PR_NC, PR_C], VALIDATION_ERROR),
    command(&[PR, SSE], &[PR_NC], VALIDATION_ERROR),
    command(&[PR], &["data-dir/", SSE2_NC], VALIDATION_ERROR),
    command(&["rules-dir/", SSE2], &[SSE2_NC], VALIDATION_ERROR),
    command(&["rules-dir/", SSE2], &["data-dir/"], VALIDATION_ERROR),
    command(&["rules-dir/"], &["data-dir/", SSE2_NC], VALIDATION_ERROR),
    command(
        &["rules-dir/", SSE2],
        &["data-dir/", SSE2_NC],
        VALIDATION_ERROR,
    ),
    // test_combinations_of_rules_data_and_input_params_files
    Command {
        rules: &["db_param_port_rule.guard"],
        data: &["db_resource.yaml"],
        params: &["input-parameters-dir/db_params.yaml"],
        exit: VALIDATION_ERROR,
    },
    Command {
        rules: &["db_param_port_rule.guard"],
        data: &["db_resource.yaml"],
        params: &[
            "input-parameters-dir/db_params.yaml",
            "input-parameters-dir/db_metadata.yaml",
        ],
        exit: SUCCESS,
    },
    Command {
        rules: &["db_param_port_rule.guard"],
        data: &["db_resource.yaml"],
        params: &["input-parameters-dir/"],
        exit: SUCCESS,
    },
    // test_validate_with_fn_expr_success and the failing function rules
    command(&["functions/rules/now.guard"], &[FUNCTIONS], SUCCESS),
    command(
        &["functions/rules/parse_epoch.guard"],
        &[FUNCTIONS],
        SUCCESS,
    ),
    command(
        &["functions/rules/regex_replace.guard"],
        &[FUNCTIONS],
        SUCCESS,
    ),
    command(&["functions/rules/substring.guard"], &[FUNCTIONS], SUCCESS),
    command(&["functions/rules/json_parse.guard"], &[FUNCTIONS], SUCCESS),
    command(
        &["functions/rules/string_manipulation.guard"],
        &[FUNCTIONS],
        SUCCESS,
    ),
    command(&["functions/rules/url_decode.guard"], &[FUNCTIONS], SUCCESS),
    command(&["functions/rules/join.guard"], &[FUNCTIONS], SUCCESS),
    command(&["functions/rules/count.guard"], &[FUNCTIONS], SUCCESS),
    command(&["functions/rules/converters.guard"], &[FUNCTIONS], SUCCESS),
    command(
        &["functions/rules/complex_rules.guard"],
        &[FUNCTIONS],
        SUCCESS,
    ),
    command(
        &["functions/rules/count_with_message.guard"],
        &[FUNCTIONS],
        VALIDATION_ERROR,
    ),
    command(
        &["functions/rules/failing_complex_rule.guard"],
        &[FUNCTIONS],
        VALIDATION_ERROR,
    ),
    command(
        &["functions/rules/join_with_message.guard"],
        &[FUNCTIONS],
        VALIDATION_ERROR,
    ),
];

/// The files a `validate` argument names: a file, or a folder's files with the extensions
/// `validate` reads (in name order).
fn expand(dir: &Path, arg: &str, extensions: &[&str]) -> Vec<PathBuf> {
    let path = dir.join(arg);
    if path.is_file() {
        return vec![path];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && extensions.iter().any(|e| p.to_string_lossy().ends_with(e)))
        .collect();
    files.sort();
    files
}

/// Merges parameter documents into a data document as `--input-parameters` does (keys
/// already present are an error).
fn merge(mut into: stet_graph::Value, from: &stet_graph::Value) -> Option<stet_graph::Value> {
    let map = into.as_map_mut()?;
    for entry in from.as_map()?.iter() {
        if map.contains_key(&entry.key) {
            return None;
        }
        map.insert(
            entry.key.clone(),
            entry.key_span.clone(),
            entry.value.clone(),
        );
    }
    Some(into)
}

/// The exit status `cfn-guard validate` ends with, computed from stet's verdicts: a data
/// file that cannot be read or an evaluation error stops everything (255); a rule file that
/// does not parse gives 5, a failing rule 19, the last such rule file deciding.
fn exit_status(dir: &Path, command: &Command) -> i32 {
    let data_extensions = [".yaml", ".yml", ".json", ".jsn", ".template"];
    let mut documents = Vec::new();
    for arg in command.data {
        for file in expand(dir, arg, &data_extensions) {
            match read_data(&file) {
                Some(d) => documents.push(d),
                None => return INTERNAL_FAILURE,
            }
        }
    }
    let mut params: Option<stet_graph::Value> = None;
    for arg in command.params {
        for file in expand(dir, arg, &data_extensions) {
            let Some(p) = read_data(&file) else {
                return INTERNAL_FAILURE;
            };
            params = match params {
                None => Some(p),
                Some(current) => match merge(current, &p) {
                    Some(merged) => Some(merged),
                    None => return INTERNAL_FAILURE,
                },
            };
        }
    }
    let mut exit = SUCCESS;
    for arg in command.rules {
        for file in expand(dir, arg, &[".guard", ".ruleset"]) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let Ok(set) = RuleSet::parse(&file.to_string_lossy(), &text) else {
                exit = 5;
                continue;
            };
            let mut failed = false;
            for document in &documents {
                let document = match &params {
                    Some(p) => match merge(p.clone(), document) {
                        Some(d) => d,
                        None => return INTERNAL_FAILURE,
                    },
                    None => document.clone(),
                };
                match set.evaluate(&document) {
                    Ok(results) => failed |= results.iter().any(|r| r.status == Status::Fail),
                    Err(_) => return INTERNAL_FAILURE,
                }
            }
            if failed {
                exit = VALIDATION_ERROR;
            }
        }
    }
    exit
}

#[test]
fn validate_commands_end_as_cfn_guards_tests_expect() {
    let Some(base) = base() else { return };
    let dir = base.join("guard/resources/validate");
    let mut differences = Vec::new();
    for command in COMMANDS {
        let exit = exit_status(&dir, command);
        if exit != command.exit {
            differences.push(format!(
                "rules {:?} data {:?} params {:?}: stet ends with {exit}, cfn-guard's test expects {}",
                command.rules, command.data, command.params, command.exit
            ));
        }
    }
    eprintln!(
        "{} validate commands, {} differences",
        COMMANDS.len(),
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// One verdict an expected output shows: the data file's name, the rule (`file.guard/RULE`
/// or `RULE`, as the output names it), and its status.
#[derive(Debug)]
struct Shown {
    data: String,
    rule: String,
    status: String,
}

/// The verdicts a console report (`validate` with `--show-summary`) shows: `DATA Status =
/// S` starts a data file's summary, `FILE.guard/RULE    S` lines follow.
fn console_verdicts(text: &str) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut data = String::new();
    for line in text.lines() {
        // The verbose tree: `File(DATA, Status=S)` and, one level in, `Rule(RULE, Status=S)`.
        if let Some(rest) = line.strip_prefix("`- File(") {
            data = rest.split(',').next().unwrap_or_default().to_string();
            continue;
        }
        if let Some(rest) = line
            .strip_prefix("   `- Rule(")
            .or_else(|| line.strip_prefix("   |- Rule("))
        {
            if let Some((rule, status)) = rest.split_once(", Status=") {
                out.push(Shown {
                    data: data.clone(),
                    rule: rule.to_string(),
                    status: status.chars().take(4).collect(),
                });
            }
            continue;
        }
        if let Some((name, _)) = line.split_once(" Status = ") {
            if !line.starts_with(' ') && !line.contains('(') {
                data = name.to_string();
            }
            continue;
        }
        if let Some((rule, status)) = line.rsplit_once("    ") {
            if ["PASS", "FAIL", "SKIP"].contains(&status.trim()) && !rule.starts_with(' ') {
                out.push(Shown {
                    data: data.clone(),
                    rule: rule.trim().to_string(),
                    status: status.trim().to_string(),
                });
            }
        }
    }
    out
}

/// The verdicts a structured JSON or YAML report shows.
fn structured_verdicts(reports: &Json) -> Vec<Shown> {
    let mut out = Vec::new();
    let reports = match reports {
        Json::Array(list) => list.clone(),
        single => vec![single.clone()],
    };
    for report in &reports {
        let data = report["name"].as_str().unwrap_or_default().to_string();
        for (key, status) in [
            ("compliant", "PASS"),
            ("not_applicable", "SKIP"),
            ("not_compliant", "FAIL"),
        ] {
            for rule in report[key].as_array().into_iter().flatten() {
                let name = rule
                    .as_str()
                    .or_else(|| rule["Rule"]["name"].as_str())
                    .unwrap_or_default();
                out.push(Shown {
                    data: data.clone(),
                    rule: name.to_string(),
                    status: status.to_string(),
                });
            }
        }
    }
    out
}

/// The verdicts a JUnit report shows: a test suite per data file, a test case per rule file,
/// a failure naming the rule.
fn junit_verdicts(text: &str) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut data = String::new();
    let mut file = String::new();
    let attribute = |line: &str, name: &str| -> Option<String> {
        let start = line.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + line.get(start..)?.find('"')?;
        line.get(start..end).map(str::to_string)
    };
    for line in text.lines().map(str::trim) {
        if line.starts_with("<testsuite ") {
            data = attribute(line, "name").unwrap_or_default();
        } else if line.starts_with("<testcase ") {
            file = attribute(line, "name").unwrap_or_default();
            if line.contains("status=\"pass\"") {
                out.push(Shown {
                    data: data.clone(),
                    rule: file.clone(),
                    status: "PASS".into(),
                });
            }
        } else if line.starts_with("<failure ") {
            let rule = attribute(line, "message").unwrap_or_default();
            out.push(Shown {
                data: data.clone(),
                rule: format!("{file}/{rule}"),
                status: "FAIL".into(),
            });
        }
    }
    out
}

/// The rule files and data files an expected output was made from (cfn-guard's
/// `guard/tests/validate.rs`), and the verdicts it shows.
fn expected_outputs(validate: &Path) -> Vec<(Vec<PathBuf>, Vec<PathBuf>, Vec<Shown>)> {
    let out_dir = validate.join("output-dir");
    let read = |name: &str| std::fs::read_to_string(out_dir.join(name)).unwrap_or_default();
    let files = |args: &[&str], ext: &[&str]| -> Vec<PathBuf> {
        args.iter().flat_map(|a| expand(validate, a, ext)).collect()
    };
    let rules = |args: &[&str]| files(args, &[".guard"]);
    let data = |args: &[&str]| files(args, &[".yaml", ".json"]);
    let yaml_reports = |name: &str| {
        stet_rules::parse_test_yaml(name.into(), &read(name))
            .ok()
            .flatten()
            .map(|v| v.to_json())
            .unwrap_or_default()
    };
    let structured_json: Json = serde_json::from_str(&read("structured.json")).unwrap_or_default();
    vec![
        (
            rules(&[REGEX]),
            data(&["data-dir/advanced_regex_negative_lookbehind_compliant.yaml"]),
            console_verdicts(&read("advanced_regex_negative_lookbehind_compliant.out")),
        ),
        (
            rules(&[REGEX]),
            data(&["data-dir/advanced_regex_negative_lookbehind_non_compliant.yaml"]),
            console_verdicts(&read(
                "advanced_regex_negative_lookbehind_non_compliant.out",
            )),
        ),
        (
            rules(&[SSE]),
            data(&["failing_template_with_slash_in_key.yaml"]),
            console_verdicts(&read("failing_template_with_slash_in_key.out")),
        ),
        (
            rules(&["workshop.guard"]),
            data(&["template_where_resources_isnt_root.json"]),
            console_verdicts(&read("failing_template_without_resources_at_root.out")),
        ),
        (
            rules(&[PR]),
            data(&[PR_NC]),
            console_verdicts(&read("payload_verbose_non_compliant.out")),
        ),
        (
            rules(&[PR]),
            data(&[SSE_C]),
            console_verdicts(&read("payload_verbose_success.out")),
        ),
        (
            rules(&[PR]),
            data(&[PR_C]),
            console_verdicts(&read("payload_verbose_yaml_compliant.out")),
        ),
        (
            rules(&["rules-dir/"]),
            data(&["data-dir/"]),
            console_verdicts(&read("rules_dir_against_data_dir.out")),
        ),
        (
            rules(&[PR]),
            data(&[PR_NC]),
            console_verdicts(&read("test_single_data_file_single_rules_file_verbose.out")),
        ),
        (
            rules(&[PR]),
            data(&[PR_C]),
            console_verdicts(&read(
                "test_single_data_file_single_rules_file_verbose_compliant.out",
            )),
        ),
        (
            rules(&[PR]),
            data(&[PR_NC]),
            console_verdicts(&read(
                "test_single_data_file_single_rules_file_verbose_non_compliant.out",
            )),
        ),
        (
            rules(&["rules-dir/"]),
            data(&[PR_NC]),
            structured_verdicts(&structured_json),
        ),
        (
            rules(&["rules-dir/"]),
            data(&[PR_NC]),
            structured_verdicts(&yaml_reports("structured.yaml")),
        ),
        (
            rules(&["rules-dir/"]),
            data(&[PR_NC]),
            junit_verdicts(&read("structured.junit")),
        ),
        (
            rules(&["functions/rules/count_with_message.guard"]),
            data(&[FUNCTIONS]),
            console_verdicts(
                &std::fs::read_to_string(
                    validate.join("functions/output/failing_count_show_summary_all.out"),
                )
                .unwrap_or_default(),
            ),
        ),
        (
            rules(&["functions/rules/failing_complex_rule.guard"]),
            data(&[FUNCTIONS]),
            console_verdicts(
                &std::fs::read_to_string(
                    validate.join("functions/output/failing_complex_rule.out"),
                )
                .unwrap_or_default(),
            ),
        ),
        (
            rules(&["functions/rules/join_with_message.guard"]),
            data(&[FUNCTIONS]),
            console_verdicts(
                &std::fs::read_to_string(
                    validate.join("functions/output/failing_join_show_summary_all.out"),
                )
                .unwrap_or_default(),
            ),
        ),
    ]
}

#[test]
fn validate_verdicts_match_the_expected_outputs() {
    let Some(base) = base() else { return };
    let validate = base.join("guard/resources/validate");
    let mut checked = 0;
    let mut differences = Vec::new();
    for (rule_files, data_files, shown) in expected_outputs(&validate) {
        assert!(
            !shown.is_empty(),
            "an expected output for {rule_files:?} x {data_files:?} shows no verdicts"
        );
        for verdict in shown {
            // The data file the output names (its file name, or STDIN for the one given).
            let data = data_files
                .iter()
                .find(|d| {
                    d.file_name()
                        .is_some_and(|n| verdict.data.ends_with(&*n.to_string_lossy()))
                })
                .or(if data_files.len() == 1 {
                    data_files.first()
                } else {
                    None
                });
            let Some(data) = data else {
                differences.push(format!("{verdict:?}: no such data file"));
                continue;
            };
            // The rule: `file.guard/RULE`, or a rule name found in one of the rule files.
            let (file_name, rule) = match verdict.rule.split_once('/') {
                Some((file, rule)) => (Some(file.to_string()), rule.to_string()),
                // A JUnit test case that passed names only the rule file: none of its rules
                // failed.
                None if verdict.rule.ends_with(".guard") => {
                    (Some(verdict.rule.clone()), String::new())
                }
                None => (None, verdict.rule.clone()),
            };
            let mut found = None;
            for rule_file in &rule_files {
                if file_name
                    .as_ref()
                    .is_some_and(|f| !rule_file.to_string_lossy().ends_with(f.as_str()))
                {
                    continue;
                }
                let text = std::fs::read_to_string(rule_file).unwrap_or_default();
                let Ok(set) = RuleSet::parse(&rule_file.to_string_lossy(), &text) else {
                    continue;
                };
                let Some(document) = read_data(data) else {
                    continue;
                };
                if let Ok(results) = set.evaluate(&document) {
                    let statuses: Vec<&str> = if rule.is_empty() {
                        let failed = results.iter().any(|r| r.status == Status::Fail);
                        vec![if failed { "FAIL" } else { "PASS" }]
                    } else {
                        results
                            .iter()
                            .filter(|r| r.name == rule)
                            .map(|r| r.status.as_str())
                            .collect()
                    };
                    if !statuses.is_empty() {
                        found = Some(statuses);
                        break;
                    }
                }
            }
            checked += 1;
            match found {
                Some(statuses) if statuses.contains(&verdict.status.as_str()) => {}
                other => differences.push(format!(
                    "{} on {}: the expected output shows {}, stet gives {other:?}",
                    verdict.rule,
                    data.display(),
                    verdict.status
                )),
            }
        }
    }
    eprintln!(
        "{checked} verdicts in cfn-guard's expected outputs, {} differences",
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn test_expectations_hold_where_they_hold_in_cfn_guard() {
    let Some(base) = base() else { return };
    let recorded = recorded();
    let tests = recorded["test"].as_object().expect("test pairs");
    let mut differences = Vec::new();
    let (mut cases, mut expectations) = (0, 0);
    for (pair, theirs) in tests {
        let Some((rules, test)) = pair.split_once(" | ") else {
            continue;
        };
        let report = stet_rules::run_test_file(base.join(rules), base.join(test));
        cases += report.cases;
        expectations += report.expectations;
        let ours: Json = if report.errors.is_empty() {
            let mut failed: Vec<Json> = report
                .mismatches
                .iter()
                .map(|m| serde_json::json!([m.case, m.rule]))
                .collect();
            failed.sort_by_key(|f| f.to_string());
            Json::Array(failed)
        } else {
            Json::String("error".into())
        };
        let mut theirs = theirs.clone();
        if let Some(list) = theirs.as_array_mut() {
            list.sort_by_key(|f| f.to_string());
        }
        if ours != theirs {
            differences.push(format!("{pair}: stet {ours}, cfn-guard {theirs}"));
        }
    }
    eprintln!(
        "{} test files, {cases} cases, {expectations} expectations, {} differences",
        tests.len(),
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
