//! What `cargo package --workspace --exclude stet-benches` needs, checked without packaging
//! (which rebuilds every crate from its package and asks the registry): data a crate embeds
//! lives inside that crate, every dependency's version is declared once for the workspace,
//! and every published crate carries the metadata crates.io shows.

use std::path::{Component, Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The folders of the crates that are published: `crates/*` and the hcl-edit fork.
fn published() -> Vec<PathBuf> {
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    crates.push(root().join("vendor/hcl-edit"));
    crates.sort();
    crates
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `path` with `.` and `..` resolved lexically.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The first string literal of every `include_str!` / `include_bytes!` in `text` (for a
/// `concat!`, its first piece, which holds the folders).
fn embedded_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for macro_name in ["include_str!(", "include_bytes!("] {
        for (at, _) in text.match_indices(macro_name) {
            let rest = &text[at + macro_name.len()..];
            if let Some(open) = rest.find('"') {
                if let Some(len) = rest[open + 1..].find('"') {
                    out.push(rest[open + 1..open + 1 + len].to_string());
                }
            }
        }
    }
    out
}

#[test]
fn embedded_data_lives_inside_the_crate_that_embeds_it() {
    let mut outside = Vec::new();
    let mut seen = 0;
    for krate in published() {
        let crate_dir = lexical(&krate);
        let mut files = Vec::new();
        rust_files(&krate.join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for embedded in embedded_paths(&text) {
                seen += 1;
                let target = lexical(&file.parent().unwrap().join(&embedded));
                if !target.starts_with(&crate_dir) {
                    outside.push(format!(
                        "{}: `{embedded}` is outside {} (a packaged crate would not build)",
                        file.display(),
                        crate_dir.display()
                    ));
                }
            }
        }
    }
    assert!(
        seen >= 8,
        "found only {seen} embedded files: the scan is broken"
    );
    assert!(outside.is_empty(), "{}", outside.join("\n"));
}

/// The `[dependencies]`-like sections of a manifest, as (section, line) pairs.
fn dependency_lines(manifest: &str) -> Vec<(String, String)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_string();
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if section.ends_with("dependencies]") {
            out.push((section.clone(), trimmed.to_string()));
        }
    }
    out
}

#[test]
fn every_dependency_version_is_declared_once_for_the_workspace() {
    let mut problems = Vec::new();
    let mut manifests: Vec<PathBuf> = published()
        .into_iter()
        .filter(|p| !p.ends_with("vendor/hcl-edit"))
        .map(|p| p.join("Cargo.toml"))
        .collect();
    manifests.push(root().join("benches/Cargo.toml"));
    for manifest in manifests {
        let text = std::fs::read_to_string(&manifest).unwrap();
        for (section, line) in dependency_lines(&text) {
            if !line.contains("workspace = true") {
                problems.push(format!(
                    "{} {section}: `{line}` should be `NAME = {{ workspace = true }}` with the version in the workspace's Cargo.toml",
                    manifest.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_published_crate_has_its_metadata() {
    let mut problems = Vec::new();
    for krate in published() {
        let text = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
        let package: String = text
            .split("\n[")
            .find(|s| s.starts_with("[package]") || s.starts_with("package]"))
            .unwrap_or_default()
            .to_string();
        for key in [
            "description",
            "license",
            "repository",
            "readme",
            "keywords",
            "categories",
            "rust-version",
        ] {
            if !package
                .lines()
                .any(|l| l.starts_with(&format!("{key} ")) || l.starts_with(&format!("{key}.")))
            {
                problems.push(format!("{}: no `{key}`", krate.display()));
            }
        }
        if let Some(description) = package
            .lines()
            .find_map(|l| l.strip_prefix("description = \""))
        {
            let description = description.trim_end_matches('"');
            // A description cut at a fixed width ("… find Infrastructure-a", "… into the [s")
            // leaves a one-letter fragment or an unclosed bracket.
            let fragment = description
                .rsplit([' ', '-', '[', '('])
                .next()
                .unwrap_or_default();
            let unbalanced = description.matches('(').count() != description.matches(')').count()
                || description.matches('[').count() != description.matches(']').count();
            if description.len() < 20 || fragment.chars().count() < 2 || unbalanced {
                problems.push(format!(
                    "{}: description looks cut: {description}",
                    krate.display()
                ));
            }
        }
        if let Some(readme) = package.lines().find_map(|l| l.strip_prefix("readme = \"")) {
            let readme = readme.trim_end_matches('"');
            if !krate.join(readme).is_file() {
                problems.push(format!("{}: readme {readme} is missing", krate.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
