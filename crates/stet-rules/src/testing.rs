//! `stet test`: rule tests in cfn-guard's test-file format, paired with rule files as
//! cfn-guard pairs them: `X.guard` with `tests/X_tests.yaml` (or `.yml`, `.json`),
//! `X_tests.*` beside it, or `tests/X.yaml`.

use crate::RuleSet;
use std::path::{Path, PathBuf};
use stet_graph::{Limits, Value, ValueKind};

/// What a test run found.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TestReport {
    /// Rule files with a tests file.
    pub files: usize,
    /// Test cases run.
    pub cases: usize,
    /// Expectations checked.
    pub expectations: usize,
    /// Expectations that did not hold.
    pub mismatches: Vec<Mismatch>,
    /// Rule files or test files that could not be read or parsed.
    pub errors: Vec<String>,
    /// Expectations for rules the rule file does not define (passed over, as cfn-guard does).
    pub unknown_rules: usize,
    /// Test files that match no rule file by cfn-guard's naming convention (not run).
    pub unpaired: Vec<PathBuf>,
    /// The rule files and the test files paired with them.
    pub pairs: Vec<(PathBuf, PathBuf)>,
}

/// An expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mismatch {
    /// The rule file.
    pub rule_file: PathBuf,
    /// The test file.
    pub test_file: PathBuf,
    /// The case's name (or its number).
    pub case: String,
    /// The rule.
    pub rule: String,
    /// The status the test expects.
    pub expected: String,
    /// The status stet gave.
    pub actual: String,
}

/// Runs every rule test under `dir` (a folder, or one rule file).
pub fn run_tests(dir: impl AsRef<Path>) -> TestReport {
    let dir = dir.as_ref();
    let mut report = TestReport::default();
    let mut rule_files = Vec::new();
    let mut test_files = Vec::new();
    collect(dir, &mut rule_files, &mut test_files);
    rule_files.sort();
    test_files.sort();
    let mut paired = Vec::new();
    for rule_file in &rule_files {
        let Some(stem) = rule_file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
        else {
            continue;
        };
        let parent = rule_file.parent().unwrap_or(Path::new("."));
        let candidates = ["yaml", "yml", "json"]
            .iter()
            .flat_map(|ext| {
                [
                    parent.join("tests").join(format!("{stem}_tests.{ext}")),
                    parent.join(format!("{stem}_tests.{ext}")),
                    parent.join("tests").join(format!("{stem}.{ext}")),
                ]
            })
            .filter(|p| p.is_file());
        let Some(test_file) = candidates.into_iter().next() else {
            continue;
        };
        paired.push(test_file.clone());
        report.pairs.push((rule_file.clone(), test_file.clone()));
        run_pair(rule_file, &test_file, &mut report);
    }
    report.unpaired = test_files
        .into_iter()
        .filter(|t| !paired.contains(t))
        .collect();
    report
}

/// Runs the test file `test_file` against the rule file `rule_file`, as
/// `cfn-guard test -r RULE_FILE -t TEST_FILE` pairs them.
pub fn run_test_file(rule_file: impl AsRef<Path>, test_file: impl AsRef<Path>) -> TestReport {
    let (rule_file, test_file) = (rule_file.as_ref(), test_file.as_ref());
    let mut report = TestReport::default();
    report
        .pairs
        .push((rule_file.to_path_buf(), test_file.to_path_buf()));
    run_pair(rule_file, test_file, &mut report);
    report
}

fn collect(path: &Path, rules: &mut Vec<PathBuf>, tests: &mut Vec<PathBuf>) {
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "guard") {
            rules.push(path.to_path_buf());
        }
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect(&p, rules, tests);
        } else if p.extension().is_some_and(|e| e == "guard") {
            rules.push(p);
        } else if p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.contains("_tests."))
            || p.parent()
                .and_then(Path::file_name)
                .is_some_and(|d| d == "tests")
        {
            tests.push(p);
        }
    }
}

fn run_pair(rule_file: &Path, test_file: &Path, report: &mut TestReport) {
    let rule_text = match std::fs::read_to_string(rule_file) {
        Ok(t) => t,
        Err(e) => {
            report
                .errors
                .push(format!("{}: cannot read: {e}", rule_file.display()));
            return;
        }
    };
    let rules = match RuleSet::parse(&rule_file.to_string_lossy(), &rule_text) {
        Ok(r) => r,
        Err(e) => {
            report.errors.push(e.render());
            return;
        }
    };
    let cases = match read_cases(test_file) {
        Ok(c) => c,
        Err(e) => {
            report.errors.push(e);
            return;
        }
    };
    report.files += 1;
    for (number, case) in cases.iter().enumerate() {
        report.cases += 1;
        let name = case
            .get("name")
            .and_then(Value::to_display_string)
            .unwrap_or_else(|| format!("#{}", number + 1));
        let empty = Value::empty_map(case.span.clone());
        let input = case.get("input").unwrap_or(&empty);
        let results = match rules.evaluate(input) {
            Ok(r) => r,
            Err(e) => {
                report
                    .errors
                    .push(format!("{}: case `{name}`: {e}", test_file.display()));
                continue;
            }
        };
        let Some(expected) = case
            .get("expectations")
            .and_then(|e| e.get("rules"))
            .and_then(Value::as_map)
        else {
            continue;
        };
        for entry in expected.iter() {
            report.expectations += 1;
            let Some(want) = entry
                .value
                .as_str()
                .and_then(|s| ["PASS", "FAIL", "SKIP"].into_iter().find(|w| *w == s))
            else {
                report.expectations -= 1;
                report.errors.push(format!(
                    "{}: case `{name}`: rule `{}` expects {}, which is not PASS, FAIL or SKIP",
                    test_file.display(),
                    entry.key,
                    entry.value.to_json()
                ));
                continue;
            };
            // cfn-guard passes over expectations for rules the file does not define.
            let named: Vec<&crate::RuleResult> =
                results.iter().filter(|r| r.name == entry.key).collect();
            if named.is_empty() {
                report.expectations -= 1;
                report.unknown_rules += 1;
                continue;
            }
            // Rules may share a name: PASS and FAIL hold when one of them has that status,
            // SKIP when all of them skipped (as cfn-guard's test command decides).
            let holds = if want == "SKIP" {
                named.iter().all(|r| r.status == crate::Status::Skip)
            } else {
                named.iter().any(|r| r.status.as_str() == want)
            };
            if !holds {
                report.mismatches.push(Mismatch {
                    rule_file: rule_file.to_path_buf(),
                    test_file: test_file.to_path_buf(),
                    case: name.clone(),
                    rule: entry.key.clone(),
                    expected: want.to_string(),
                    actual: named
                        .iter()
                        .map(|r| r.status.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        }
    }
}

fn read_cases(test_file: &Path) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(test_file)
        .map_err(|e| format!("{}: cannot read: {e}", test_file.display()))?;
    let name = test_file.to_string_lossy();
    let limits = Limits::default();
    // cfn-guard reads test files with `serde_yaml` (JSON too, falling back to `serde_json`),
    // so their inputs are typed by YAML 1.2's core schema.
    let value = match crate::data::parse_test_yaml(name.as_ref().into(), &text) {
        Ok(value) => value,
        Err(e) if test_file.extension().is_some_and(|x| x == "json") => {
            stet_graph::parse_json(name.as_ref().into(), &text, &limits)
                .map_err(|_| e.to_string())?
        }
        Err(e) => return Err(e.to_string()),
    };
    match value.map(|v| v.kind) {
        Some(ValueKind::List(items)) => Ok(items),
        Some(_) => Err(format!("{name}: a test file holds a list of cases")),
        None => Ok(Vec::new()),
    }
}
