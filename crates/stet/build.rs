//! Parses the built-in rule pack (`rules/*.guard`) when the crate is built and writes each
//! file's snapshot (`stet_rules::RuleSet::to_snapshot`) to `$OUT_DIR/pack/ID.bin`, which
//! `src/builtin.rs` embeds: a run loads the pack from its snapshots instead of parsing it
//! (parsing the pack was most of the start-up of a small run). A rule file that does not
//! parse gets an empty snapshot and a build warning; a run then parses it, and reports its
//! error as before.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("pack");
    std::fs::create_dir_all(&out).expect("create OUT_DIR/pack");
    let mut files: Vec<PathBuf> = std::fs::read_dir("rules")
        .expect("read the rules folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "guard"))
        .collect();
    files.sort();
    for file in files {
        snapshot(&file, &out);
    }
}

/// Writes the snapshot of one rule file, named as `builtin` names it (`rules/ID.guard`).
fn snapshot(file: &Path, out: &Path) {
    let Some(id) = file.file_stem().and_then(|s| s.to_str()) else {
        return;
    };
    let name = format!("rules/{id}.guard");
    let text = std::fs::read_to_string(file).expect("read a rule file");
    let bytes = match stet_rules::RuleSet::parse(&name, &text) {
        Ok(rules) => rules.to_snapshot(),
        Err(e) => {
            let first = e.render().lines().next().unwrap_or_default().to_string();
            println!("cargo:warning={name} does not parse ({first}); it is parsed at every run");
            Vec::new()
        }
    };
    std::fs::write(out.join(format!("{id}.bin")), bytes).expect("write a snapshot");
}
