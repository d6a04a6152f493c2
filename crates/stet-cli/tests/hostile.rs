//! The hostile-input suite: every case under `fixtures/hostile/` is a small repository
//! (`repo/`, with files `outside/` beside it that it must never read) and a `case.json`
//! saying what stet must do with it — the exit status, the diagnostics it must print, the
//! summary counts, and strings (secrets outside the repository, `/etc/passwd`'s first line)
//! that must appear in no output of any format. The JSON report must also match the case's
//! `expected.json` (rerun with `STET_BLESS=1` to rewrite it after a deliberate change).
//! Runs use `--fail-on never`, so the status says only whether an input or a rule failed.
//!
//! No scan may change anything: every file of the case (and beside it) is the same, with
//! the same modification time, after the six runs as before.
//!
//! Each case is copied, symbolic links kept as links, into a scratch folder holding a
//! `.git` marker, so the repository root is the case's `repo/`.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/hostile")
}

/// Copies `from` into `to`, keeping symbolic links as links.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create scratch folder");
    for entry in std::fs::read_dir(from).expect("read fixture folder") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_symlink() {
            let link = std::fs::read_link(entry.path()).expect("read link");
            std::os::unix::fs::symlink(link, &target).expect("make link");
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Every file under `dir` (links not followed) with its size, modification time and
/// content, to show that a scan changed nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(path);
            } else {
                let content = if meta.is_file() {
                    std::fs::read(&path).unwrap_or_default()
                } else {
                    std::fs::read_link(&path)
                        .map(|l| l.to_string_lossy().into_owned().into_bytes())
                        .unwrap_or_default()
                };
                let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                out.push((path, meta.len(), modified, content));
            }
        }
    }
    out.sort();
    out
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn stet(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run stet");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The problems with one case, empty when it behaves as `case.json` says.
fn run_case(name: &str, dir: &Path) -> Vec<String> {
    let case: Json = serde_json::from_str(
        &std::fs::read_to_string(dir.join("case.json")).expect("read case.json"),
    )
    .expect("case.json is JSON");
    let scratch = std::env::temp_dir().join(format!("stet-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    copy_tree(&dir.join("repo"), &scratch.join("repo"));
    if dir.join("outside").is_dir() {
        copy_tree(&dir.join("outside"), &scratch.join("outside"));
    }
    let repo = scratch.join("repo");
    std::fs::create_dir_all(repo.join(".git")).expect("mark the repository root");
    let extra: Vec<&str> = case["args"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let before = snapshot(&scratch);
    let mut problems = Vec::new();
    let mut outputs = Vec::new();
    let mut json_report = None;
    for format in ["json", "text", "sarif", "junit", "markdown", "github"] {
        // Findings do not set the status: exit 0 means no error, 2 an input or rule error.
        let mut args = vec!["check", ".", "--fail-on", "never", "--format", format];
        args.extend(&extra);
        let run = stet(&repo, &args);
        if let Some(expected) = case["exit"].as_i64() {
            if i64::from(run.status) != expected {
                problems.push(format!(
                    "--format {format}: exit {} (expected {expected})\n{}",
                    run.status, run.stderr
                ));
            }
        }
        if format == "json" {
            json_report = Some(run.stdout.clone());
        }
        outputs.push((format, run.stdout + &run.stderr));
    }
    if snapshot(&scratch) != before {
        problems.push("a scan changed, added or removed a file in the repository".into());
    }
    let json_text = json_report.unwrap_or_default();
    let report: Json = match serde_json::from_str(&json_text) {
        Ok(report) => report,
        Err(e) => {
            problems.push(format!("the JSON report does not parse: {e}\n{json_text}"));
            return problems;
        }
    };
    let messages: Vec<String> = ["errors", "warnings"]
        .iter()
        .flat_map(|k| report[k].as_array().cloned().unwrap_or_default())
        .map(|d| {
            format!(
                "{}: {}",
                d["file"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    for wanted in case["diagnostics"].as_array().into_iter().flatten() {
        let wanted = wanted.as_str().unwrap_or_default();
        if !messages.iter().any(|m| m.contains(wanted)) {
            problems.push(format!(
                "no diagnostic contains {wanted:?}; got {messages:#?}"
            ));
        }
    }
    for secret in case["absent"].as_array().into_iter().flatten() {
        let secret = secret.as_str().unwrap_or_default();
        for (format, output) in &outputs {
            if output.contains(secret) {
                problems.push(format!("--format {format} shows {secret:?}:\n{output}"));
            }
        }
    }
    if let Some(n) = case["findings"].as_u64() {
        let got = report["findings"].as_array().map_or(0, Vec::len) as u64;
        if got != n {
            problems.push(format!("{got} findings (expected {n})"));
        }
    }
    if let Some(summary) = case["summary"].as_object() {
        for (key, value) in summary {
            if report["summary"][key] != *value {
                problems.push(format!(
                    "summary.{key} is {} (expected {value})",
                    report["summary"][key]
                ));
            }
        }
    }
    let expected_file = dir.join("expected.json");
    if std::env::var_os("STET_BLESS").is_some() {
        std::fs::write(&expected_file, &json_text).expect("write expected.json");
    } else {
        match std::fs::read_to_string(&expected_file) {
            Ok(expected) if expected == json_text => {}
            Ok(expected) => problems.push(format!(
                "the JSON report differs from expected.json (STET_BLESS=1 rewrites it):\n{}",
                similar::TextDiff::from_lines(&expected, &json_text)
                    .unified_diff()
                    .context_radius(2)
            )),
            Err(e) => problems.push(format!("{}: {e}", expected_file.display())),
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    problems
}

#[test]
fn hostile_inputs_end_as_each_case_says() {
    let mut names: Vec<String> = std::fs::read_dir(cases())
        .expect("fixtures/hostile")
        .flatten()
        .filter(|e| e.path().join("case.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 15, "only {} hostile cases", names.len());
    let mut failed = Vec::new();
    for name in &names {
        let problems = run_case(name, &cases().join(name));
        if !problems.is_empty() {
            failed.push(format!("== {name}\n{}", problems.join("\n")));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

#[test]
fn output_is_written_atomically_and_never_through_a_link() {
    let dir = std::env::temp_dir().join(format!("stet-output-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).expect("scratch repository");
    std::fs::write(
        dir.join("main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
    )
    .expect("write main.tf");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep me").expect("write victim");
    // A link where the report goes: replaced by the report, its target untouched.
    std::os::unix::fs::symlink(&victim, dir.join("report.json")).expect("link");
    let run = stet(
        &dir,
        &["check", ".", "--format", "json", "--output", "report.json"],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&victim).ok().as_deref(),
        Some("keep me")
    );
    let report = std::fs::read_to_string(dir.join("report.json")).expect("report written");
    assert!(report.contains("\"findings\""));
    assert!(!std::fs::symlink_metadata(dir.join("report.json"))
        .expect("report")
        .file_type()
        .is_symlink());
    // A write that fails (the output path is a folder) leaves no temporary file behind.
    std::fs::create_dir_all(dir.join("folder.json")).expect("folder");
    let run = stet(&dir, &["check", ".", "--output", "folder.json"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("read scratch")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
