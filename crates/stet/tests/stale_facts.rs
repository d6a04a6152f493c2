//! Issue #14: when a configuration requires an AWS provider version that the replacement
//! facts do not come from, `stet diff` says so once, at the constraint.

use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

fn pair(name: &str, constraint: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("stet-stale-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (side, ami) in [("before", "ami-1"), ("after", "ami-2")] {
        for module in ["a", "b"] {
            let dir = root.join(side).join(module);
            write(
                &dir,
                "versions.tf",
                &format!("terraform {{\n  required_providers {{\n    aws = {{\n      source  = \"hashicorp/aws\"\n      version = \"{constraint}\"\n    }}\n  }}\n}}\n"),
            );
            write(
                &dir,
                "main.tf",
                &format!("resource \"aws_instance\" \"web\" {{\n  ami = \"{ami}\"\n}}\n"),
            );
        }
    }
    (root.join("before"), root.join("after"))
}

fn notices(constraint: &str) -> Vec<stet::Diagnostic> {
    let (before, after) = pair(
        &constraint.replace(['>', '=', '~', ' ', '.'], "_"),
        constraint,
    );
    let diffed = stet::diff_paths(&before, &after, &Default::default()).unwrap();
    let _ = std::fs::remove_dir_all(before.parent().unwrap());
    diffed
        .diagnostics
        .into_iter()
        .filter(|d| d.message.contains("replacement facts come from provider"))
        .collect()
}

#[test]
fn a_constraint_excluding_the_facts_version_is_said_once_at_the_constraint() {
    let found = notices(">= 5.73");
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert!(
        d.message
            .contains("`>= 5.73` (and 1 other module), which excludes 5.46"),
        "{}",
        d.message
    );
    assert!(d.span.file.ends_with("versions.tf"), "{}", d.span.file);
    assert_eq!(d.span.start.line, 5);
    assert_eq!(notices("~> 6.0").len(), 1);
}

#[test]
fn a_constraint_admitting_the_facts_version_says_nothing() {
    assert!(notices("~> 5.0").is_empty());
    assert!(notices(">= 4.0, < 6.0").is_empty());
}
