//! The README's first lines, run as a newcomer runs them: the first command runs stet on the
//! example in `examples/` and shows findings and a replacement with no warning unrelated to
//! the example, and prints what the README shows; the second is the test command CI runs.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The lines of the README's first fenced code block, and of the block after it.
fn first_blocks(text: &str) -> (Vec<String>, Vec<String>) {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in text.lines() {
        if line.starts_with("```") {
            match current.take() {
                Some(block) => {
                    blocks.push(block);
                    if blocks.len() == 2 {
                        break;
                    }
                }
                None => current = Some(Vec::new()),
            }
        } else if let Some(block) = current.as_mut() {
            block.push(line.to_string());
        }
    }
    let mut blocks = blocks.into_iter();
    (
        blocks.next().unwrap_or_default(),
        blocks.next().unwrap_or_default(),
    )
}

/// The arguments `cargo run … -p stet-iac-cli -- ARGS` passes to stet.
fn stet_args(command: &str) -> Vec<String> {
    let (cargo, args) = command
        .split_once(" -- ")
        .unwrap_or_else(|| panic!("`{command}` does not run stet through `cargo run … --`"));
    assert!(
        cargo.starts_with("cargo run") && cargo.contains("-p stet-iac-cli"),
        "`{command}` does not run the stet binary"
    );
    args.split_whitespace().map(str::to_string).collect()
}

#[test]
fn the_first_command_shows_findings_and_a_replacement_on_the_example() {
    let (commands, shown) = first_blocks(&readme());
    let first = commands
        .first()
        .expect("the README opens with a code block");
    let args = stet_args(first);
    assert!(
        args.iter().any(|a| a.starts_with("examples/")),
        "the first command runs on the example: {first}"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(&args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Findings make the exit status 1; 2 would mean an input did not load.
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.lines().any(|l| l.starts_with("-/+ ")),
        "no replacement shown:\n{stdout}"
    );
    assert!(
        stdout.contains("forces replacement"),
        "the replacement does not say what forces it:\n{stdout}"
    );
    let findings = stdout
        .lines()
        .filter(|l| l.starts_with("high[") || l.starts_with("medium[") || l.starts_with("low["))
        .count();
    assert!(findings >= 3, "only {findings} findings:\n{stdout}");
    for text in [&stdout, &stderr] {
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("warning") || l.starts_with("error")),
            "a warning or error unrelated to the example:\n{text}"
        );
    }
    // What the README shows is what stet prints: every line shown, in order (`…` stands for
    // lines left out).
    assert!(
        !shown.is_empty(),
        "the README shows no output after the commands"
    );
    let mut printed = stdout.lines();
    for line in shown.iter().filter(|l| l.trim() != "…") {
        assert!(
            printed.any(|p| p == line),
            "the README shows `{line}`, which the command does not print (in that order):\n{stdout}"
        );
    }
}

#[test]
fn the_second_command_is_the_test_command_ci_runs() {
    let (commands, _) = first_blocks(&readme());
    assert_eq!(commands.len(), 2, "{commands:?}");
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l == commands[1]),
        "README's `{}` is not a line of .ci/run",
        commands[1]
    );
}

/// `stet check examples/shop/after`, which the README and `examples/README.md` describe:
/// the findings they list, and nothing else.
#[test]
fn the_example_as_it_stands_has_the_findings_the_readme_lists() {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(["check", "examples/shop/after", "--format", "json"])
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        ["MUT003", "MUT004", "MUT007", "PIN005", "PIN007"],
        "{stdout}"
    );
    for list in ["errors", "warnings"] {
        assert_eq!(report[list].as_array().map(Vec::len), Some(0), "{stdout}");
    }
    assert!(readme().contains("`stet check examples/shop/after`"));
}
