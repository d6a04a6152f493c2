//! The whole shared corpus, checked with the built-in pack on one thread and on four: the
//! JSON, SARIF and Markdown reports are byte for byte the same. Skipped, with a message,
//! where the corpus is absent.

use std::path::{Path, PathBuf};
use stet::{check_paths, LoadOptions, RenderOptions, ReportFormat, RunOptions};

fn reports(corpus: &Path, jobs: usize) -> Vec<String> {
    let options = RunOptions {
        load: LoadOptions {
            jobs: Some(jobs),
            ..LoadOptions::default()
        },
        ..RunOptions::default()
    };
    let report = check_paths(&[corpus.to_path_buf()], &options);
    assert!(
        report.findings.len() > 1000,
        "{} findings",
        report.findings.len()
    );
    [
        ReportFormat::Json,
        ReportFormat::Sarif,
        ReportFormat::Markdown,
    ]
    .into_iter()
    .map(|format| report.render(format, &RenderOptions::default()))
    .collect()
}

#[test]
fn the_corpus_reports_do_not_depend_on_threads() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/files");
    if !corpus.is_dir() {
        eprintln!(
            "skipped: {} is absent (the shared corpus is not on this machine)",
            corpus.display()
        );
        return;
    }
    let one = reports(&corpus, 1);
    let four = reports(&corpus, 4);
    for ((a, b), format) in one.iter().zip(&four).zip(["json", "sarif", "markdown"]) {
        if a != b {
            let first = a
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "the {format} report differs between --jobs 1 and --jobs 4 at line {}:\n{:?}\n{:?}",
                first + 1,
                a.lines().nth(first),
                b.lines().nth(first)
            );
        }
    }
}
