//! Diff speed on the real change pairs of `../shared/corpus/changes`: the largest pair and
//! all 343, end to end (load both sides, pair, diff, classify) and diff-only (graphs loaded
//! beforehand).
//!
//! `cargo bench -p stet-benches --bench diff`

use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use stet_benches::size;

fn corpus() -> PathBuf {
    stet_benches::shared("corpus/changes")
}

fn main() {
    if !corpus().is_dir() {
        eprintln!("skipped: ../shared/corpus/changes is absent");
        return;
    }
    divan::main();
}

/// Every pair (its folder and its size in bytes, both sides), largest first.
fn pairs() -> &'static Vec<(PathBuf, u64)> {
    static PAIRS: OnceLock<Vec<(PathBuf, u64)>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut out = Vec::new();
        for repo in std::fs::read_dir(corpus()).into_iter().flatten().flatten() {
            for pair in std::fs::read_dir(repo.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if pair.path().join("before").is_dir() {
                    out.push((pair.path(), size(&pair.path())));
                }
            }
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    })
}

fn diff(pair: &Path) -> usize {
    let diffed = stet::diff_paths(pair.join("before"), pair.join("after"), &Default::default())
        .expect("diff");
    diffed.changes.len()
}

/// The largest pair, end to end.
#[divan::bench(sample_count = 10)]
fn largest_pair(bencher: Bencher) {
    let (pair, bytes) = pairs().first().cloned().expect("a pair");
    bencher
        .counter(BytesCount::new(bytes))
        .bench(|| diff(&pair));
}

/// All pairs, end to end.
#[divan::bench(sample_count = 3)]
fn whole_corpus(bencher: Bencher) {
    let all = pairs();
    let bytes: u64 = all.iter().map(|(_, b)| b).sum();
    bencher
        .counter(BytesCount::new(bytes))
        .bench(|| all.iter().map(|(p, _)| diff(p)).sum::<usize>());
}

/// All pairs, the diff alone (both sides loaded beforehand, documents paired in order), in
/// resources compared.
#[divan::bench(sample_count = 10)]
fn whole_corpus_diff_only(bencher: Bencher) {
    static LOADED: OnceLock<Vec<(stet::Loaded, stet::Loaded)>> = OnceLock::new();
    let loaded = LOADED.get_or_init(|| {
        pairs()
            .iter()
            .map(|(p, _)| {
                let options = stet::LoadOptions::default();
                (
                    stet::load(&[p.join("before")], &options),
                    stet::load(&[p.join("after")], &options),
                )
            })
            .collect()
    });
    let kb = stet_diff::KnowledgeBase::embedded().expect("knowledge base");
    let resources: usize = loaded
        .iter()
        .flat_map(|(b, a)| b.graphs.iter().chain(a.graphs.iter()))
        .map(|g| g.resources.len())
        .sum();
    bencher.counter(ItemsCount::new(resources)).bench(|| {
        let mut n = 0;
        for (before, after) in loaded {
            for (b, a) in before.graphs.iter().zip(after.graphs.iter()) {
                n += stet_diff::diff_graphs(Some(b), Some(a), kb).len();
            }
        }
        n
    });
}
