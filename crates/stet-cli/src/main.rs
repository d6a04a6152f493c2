//! The `stet` command: parses flags, calls the `stet` library, prints, and returns the exit
//! status (0 clean, 1 findings at or above `--fail-on`, 2 usage or input errors).

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Audit Infrastructure-as-Code for immutable infrastructure.
#[derive(Debug, Parser)]
#[command(name = "stet", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the normalised documents (one per Terraform module and per CloudFormation
    /// template) with every resource and its location.
    Graph {
        /// Files and folders to read (default: the current folder).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Json)]
        format: GraphFormat,
        /// Write the output to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    /// The JSON described in `docs/architecture.md`.
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Graph {
            paths,
            format,
            output,
        } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            };
            let loaded = stet::load(&paths, &stet::LoadOptions::default());
            let text = match format {
                GraphFormat::Json => {
                    serde_json::to_string_pretty(&stet::graph_json(&loaded))? + "\n"
                }
            };
            write_output(output.as_deref(), &text)?;
            for diagnostic in &loaded.diagnostics {
                eprintln!("{diagnostic}");
            }
            Ok(if loaded.has_errors() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Writes `text` to `path` atomically (a temporary file renamed into place), or to
/// standard output.
fn write_output(path: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "output".into());
            let temp = dir.join(format!(".{name}.stet-{}.tmp", std::process::id()));
            std::fs::write(&temp, text)
                .with_context(|| format!("cannot write {}", temp.display()))?;
            std::fs::rename(&temp, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`stet graph | head`) is not an error worth a message.
            if let Err(e) = stdout.write_all(text.as_bytes()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    Ok(())
}
