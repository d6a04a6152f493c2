//! Parsing throughput per format over the shared corpus (`../shared/corpus/files`): every
//! Terraform file, every CloudFormation JSON template and every CloudFormation YAML template
//! (SAM included), each read from memory. Reports bytes per second per format, and the
//! whole-corpus load (`stet graph` without printing) with discovery and reading from disk.
//!
//! `cargo bench -p stet-benches --bench parse`

use divan::counter::BytesCount;
use divan::Bencher;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use stet_graph::Limits;

fn main() {
    if corpus().is_none() {
        eprintln!("skipped: ../shared/corpus/files is absent");
        return;
    }
    divan::main();
}

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/files");
    dir.is_dir().then_some(dir)
}

struct Files {
    terraform: Vec<(String, String)>,
    json: Vec<(String, String)>,
    yaml: Vec<(String, String)>,
}

fn files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut files = Files {
            terraform: Vec::new(),
            json: Vec::new(),
            yaml: Vec::new(),
        };
        let Some(root) = corpus() else { return files };
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let name = path.to_string_lossy().into_owned();
                if name.ends_with(".tf") {
                    files.terraform.push((name, text));
                } else if stet_cloudformation::looks_like_template(&text) {
                    if name.ends_with(".json") {
                        files.json.push((name, text));
                    } else if name.ends_with(".yaml")
                        || name.ends_with(".yml")
                        || name.ends_with(".template")
                    {
                        files.yaml.push((name, text));
                    }
                }
            }
        }
        files
    })
}

fn bytes(files: &[(String, String)]) -> usize {
    files.iter().map(|(_, t)| t.len()).sum()
}

/// Terraform: each file read as a one-file module (parse and evaluate), from memory.
#[divan::bench(sample_count = 10)]
fn terraform(bencher: Bencher) {
    let files = &files().terraform;
    let mut memory = stet_terraform::MemoryFiles::default();
    for (i, (_, text)) in files.iter().enumerate() {
        memory.insert(format!("m{i}/main.tf"), text.as_bytes().to_vec());
    }
    let options = stet_terraform::LoadOptions::default();
    bencher.counter(BytesCount::new(bytes(files))).bench(|| {
        for i in 0..files.len() {
            divan::black_box(stet_terraform::load_module(
                &memory,
                format!("m{i}").as_ref(),
                &options,
            ));
        }
    });
}

/// Parses every template of `files` from memory, counting bytes.
fn templates(bencher: Bencher, files: &[(String, String)]) {
    let limits = Limits::default();
    bencher.counter(BytesCount::new(bytes(files))).bench(|| {
        for (name, text) in files {
            let _ = divan::black_box(stet_cloudformation::parse_template(
                name.as_str().into(),
                text,
                &limits,
            ));
        }
    });
}

/// CloudFormation JSON templates, from memory.
#[divan::bench(sample_count = 10)]
fn cloudformation_json(bencher: Bencher) {
    templates(bencher, &files().json);
}

/// CloudFormation and SAM YAML templates, from memory.
#[divan::bench(sample_count = 10)]
fn cloudformation_yaml(bencher: Bencher) {
    templates(bencher, &files().yaml);
}

/// The whole corpus as `stet graph` loads it: discovery, reading, parsing, module calls.
#[divan::bench(sample_count = 3)]
fn whole_corpus(bencher: Bencher) {
    let Some(root) = corpus() else { return };
    let total = bytes(&files().terraform) + bytes(&files().json) + bytes(&files().yaml);
    bencher.counter(BytesCount::new(total)).bench(|| {
        divan::black_box(stet::load(
            std::slice::from_ref(&root),
            &stet::LoadOptions::default(),
        ))
    });
}
