//! The same input gives byte-identical output whatever the number of threads.

use std::path::Path;
use std::process::Command;

fn stet(args: &[&str]) -> Vec<u8> {
    Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("run stet")
        .stdout
}

#[test]
fn graph_output_does_not_depend_on_jobs() {
    let one = stet(&["graph", "fixtures/graph", "--jobs", "1"]);
    let four = stet(&["graph", "fixtures/graph", "--jobs", "4"]);
    assert!(!one.is_empty());
    assert!(
        one == four,
        "stet graph differs between --jobs 1 and --jobs 4"
    );
}

#[test]
fn check_output_does_not_depend_on_jobs() {
    let args = |jobs: &'static str| {
        [
            "check",
            "--rules",
            "fixtures/rules",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--jobs",
            jobs,
            "fixtures/graph",
        ]
    };
    let one = stet(&args("1"));
    let four = stet(&args("4"));
    assert!(String::from_utf8_lossy(&one).contains("\"findings\""));
    assert!(
        one == four,
        "stet check differs between --jobs 1 and --jobs 4"
    );
}
