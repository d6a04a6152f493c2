//! The commands and files `docs/integrations.md` shows, run against the real CLI: every
//! `stet …` command (with the CI variables filled in) in a scratch git repository, the
//! `stet.toml` example as a configuration, and the pre-commit hook ids against
//! `.pre-commit-hooks.yaml`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn page() -> String {
    std::fs::read_to_string(root().join("docs/integrations.md")).unwrap()
}

/// The `stet …` command lines of the page's code blocks, CI variables filled in.
fn commands(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            continue;
        }
        let line = line.trim();
        let line = line
            .strip_prefix("run: ")
            .or_else(|| line.strip_prefix("- "))
            .unwrap_or(line);
        if line.starts_with("stet ") {
            out.push(
                line.replace("${{ github.event.pull_request.base.sha }}", "main")
                    .replace(
                        "${CI_MERGE_REQUEST_DIFF_BASE_SHA:+--base $CI_MERGE_REQUEST_DIFF_BASE_SHA}",
                        "--base main",
                    )
                    .replace(" || status=$?", "")
                    .replace(" | dot -Tsvg > replacements.svg", ""),
            );
        }
    }
    out
}

/// The first code block of `lang` after `heading`.
fn block_after(page: &str, heading: &str, lang: &str) -> String {
    let start = page.find(heading).unwrap();
    let rest = &page[start..];
    let open = format!("```{lang}\n");
    let from = rest.find(&open).unwrap() + open.len();
    let len = rest[from..].find("```").unwrap();
    rest[from..from + len].to_string()
}

fn git(dir: &Path, args: &[&str]) {
    assert!(Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap()
        .success());
}

#[test]
fn every_documented_command_runs() {
    let page = page();
    let commands = commands(&page);
    assert!(commands.len() >= 8, "{commands:?}");
    let dir = std::env::temp_dir().join(format!("stet-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.email", "t@example.com"]);
    git(&dir, &["config", "user.name", "t"]);
    std::fs::write(
        dir.join("main.tf"),
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"a\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("stet.toml"),
        block_after(&page, "## Configuration", "toml"),
    )
    .unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    std::fs::write(
        dir.join("main.tf"),
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"b\"\n}\n",
    )
    .unwrap();
    for command in &commands {
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let output = Command::new(env!("CARGO_BIN_EXE_stet"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let code = output.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "`{command}` exited {code:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for (i, _) in args.iter().enumerate().filter(|(_, a)| **a == "--output") {
            let target = args[i + 1];
            // `--output FORMAT=FILE` or `--output FILE`.
            let file = dir.join(target.split_once('=').map_or(target, |(_, f)| f));
            assert!(file.is_file(), "`{command}` wrote no {}", file.display());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The inputs the documented workflow gives the action are the action's inputs, and its
/// outputs the action's outputs.
#[test]
fn the_documented_action_inputs_exist() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let page = page();
    let workflow = block_after(&page, "### The stet Action", "yaml");
    let with = workflow
        .split("uses: stet-iac/stet@")
        .nth(1)
        .and_then(|rest| rest.split("with:").nth(1))
        .unwrap();
    let mut inputs = 0;
    for line in with.lines().skip(1) {
        let Some((key, _)) = line.trim().split_once(':') else {
            break;
        };
        if line.trim_start().starts_with('-') {
            break;
        }
        assert!(
            action.contains(&format!("\n  {key}:\n")),
            "`{key}` is not an input of action.yml"
        );
        inputs += 1;
    }
    assert_eq!(inputs, 4, "{with}");
    for output in [
        "sarif",
        "markdown",
        "json",
        "junit",
        "findings",
        "exit-code",
        "fork",
    ] {
        assert!(action.contains(&format!("\n  {output}:\n")), "{output}");
        assert!(
            page.contains(&format!("`{output}`")),
            "{output} is not documented"
        );
    }
}

/// Issue #19: the documented workflow ran only on `pull_request`, failed on forks, lacked
/// `actions: read`, installed stet unpinned with no cache and ran it three times. Both
/// GitHub workflows of the page now run on pushes too, grant `actions: read`, pin and cache
/// stet, run it once per event and skip what a fork's token cannot do.
#[test]
fn the_documented_workflows_cover_pushes_forks_and_pinning() {
    let page = page();
    for heading in ["### The stet Action", "### A plain workflow"] {
        let workflow = block_after(&page, heading, "yaml");
        for needed in [
            "pull_request:",
            "push:",
            "actions: read",
            "security-events: write",
            "fork",
        ] {
            assert!(workflow.contains(needed), "{heading}: no `{needed}`");
        }
        let pinned = workflow.contains("uses: stet-iac/stet@v")
            || (workflow.contains("--tag v") && workflow.contains("actions/cache@"));
        assert!(pinned, "{heading}: stet is not pinned and cached");
        // One stet run per event: the pull-request step and the push step exclude each other.
        let runs = workflow.matches("run: stet check").count();
        assert!(runs <= 2, "{heading}: {runs} runs");
        if runs == 2 {
            assert!(workflow.contains("if: github.event_name == 'pull_request'"));
            assert!(workflow.contains("if: github.event_name != 'pull_request'"));
        }
    }
}

#[test]
fn documented_hook_ids_exist() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let page = page();
    for id in ["stet", "stet-diff", "stet-system", "stet-diff-system"] {
        assert!(
            hooks.contains(&format!("- id: {id}\n")),
            "{id} is not a hook"
        );
        assert!(page.contains(id), "{id} is not documented");
    }
}
