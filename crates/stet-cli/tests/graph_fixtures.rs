//! Runs `stet graph input` in every `fixtures/graph/<case>/` folder and compares the JSON it
//! prints with the case's `expected.json`. Rerun with `STET_BLESS=1` to rewrite the expected
//! files after reading the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/graph")
}

fn run_case(case: &Path) -> Result<(), String> {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(["graph", "input"])
        .current_dir(case)
        .output()
        .map_err(|e| format!("cannot run stet: {e}"))?;
    let stdout = String::from_utf8(output.stdout).map_err(|e| e.to_string())?;
    let json: serde_json::Value =
        serde_json::from_str(&stdout).map_err(|e| format!("stdout is not JSON: {e}\n{stdout}"))?;
    // Exit status 2 exactly when there are errors.
    let has_errors = json["errors"].as_array().is_some_and(|e| !e.is_empty());
    let expected_code = if has_errors { 2 } else { 0 };
    if output.status.code() != Some(expected_code) {
        return Err(format!(
            "exit status {:?}, expected {expected_code}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let expected_path = case.join("expected.json");
    if std::env::var_os("STET_BLESS").is_some() {
        std::fs::write(&expected_path, &stdout).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).map_err(|e| {
        format!(
            "{}: {e} (run with STET_BLESS=1 to create it)",
            expected_path.display()
        )
    })?;
    if expected != stdout {
        let diff = similar::TextDiff::from_lines(&expected, &stdout);
        let shown: String = diff
            .unified_diff()
            .context_radius(3)
            .header("expected.json", "actual")
            .to_string()
            .lines()
            .take(200)
            .collect::<Vec<_>>()
            .join("\n");
        return Err(format!(
            "output differs from expected.json (rerun with STET_BLESS=1 to accept):\n{shown}"
        ));
    }
    Ok(())
}

#[test]
fn graph_fixtures_match_expected_output() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures/graph exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input").is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the graph fixtures, found {}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            run_case(case)
                .err()
                .map(|e| format!("== {}\n{e}", case.display()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
