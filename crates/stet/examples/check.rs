//! Checks files and folders with the built-in rules (and a `stet.toml` if there is one) and
//! prints the report in a format of your choice.
//!
//! `cargo run -p stet-iac --example check -- [--format text|json|sarif|junit|markdown|github] PATH...`

use std::path::PathBuf;

fn main() {
    let mut format = stet::ReportFormat::Text;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--format" {
            format = args.next().unwrap_or_default().parse().unwrap_or_else(|e| {
                eprintln!("{e}");
                std::process::exit(2);
            });
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let config = stet::Config::discover(&paths[0]).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let options = stet::RunOptions {
        config,
        ..stet::RunOptions::default()
    };
    let report = stet::check_paths(&paths, &options);
    print!("{}", report.render(format, &stet::RenderOptions::default()));
    std::process::exit(report.exit_status(Some(stet::Severity::Low)).into());
}
