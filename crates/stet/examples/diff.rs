//! Predicts what a change does to each resource, from two folders (or files) or from a git
//! revision against the working tree, and lists the replacements with the attribute that
//! forces each one.
//!
//! `cargo run -p stet-iac --example diff -- BEFORE AFTER`
//! `cargo run -p stet-iac --example diff -- --base main [PATH...]`

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = stet::LoadOptions::default();
    let diffed = match args.as_slice() {
        [flag, base, paths @ ..] if flag == "--base" => {
            stet::diff_revisions(base, None, paths, &options)
        }
        [before, after] => stet::diff_paths(before, after, &options),
        _ => {
            eprintln!("usage: diff BEFORE AFTER | diff --base REV [PATH...]");
            std::process::exit(2);
        }
    };
    let diffed = diffed.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(2);
    });
    for change in &diffed.changes {
        let forcing: Vec<String> = change
            .attributes
            .iter()
            .filter(|a| a.forces_replacement())
            .map(|a| format!("{} ({})", a.path, a.reason))
            .collect();
        println!(
            "{:<8} {:<40} {}:{}{}",
            change.action,
            change.address,
            change.span.file,
            change.span.start.line,
            if forcing.is_empty() {
                String::new()
            } else {
                format!("  forced by {}", forcing.join("; "))
            }
        );
    }
    // The same changes, with the built-in change rules, as a report in any format.
    let report = stet::report_diff(diffed, &stet::RunOptions::default());
    print!(
        "{}",
        report.render(
            stet::ReportFormat::Markdown,
            &stet::RenderOptions::default()
        )
    );
}
