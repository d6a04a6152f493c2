//! [`Diagnostic`]: an error or warning met while loading, with its place, in one shape for
//! every parser (each keeps its own error type; this is where they meet).

use serde::Serialize;
use std::path::Path;
use stet_graph::Span;

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The input could not be read or parsed; stet exits with status 2.
    Error,
    /// Something was not followed or evaluated; the input itself is fine.
    Warning,
}

/// An error or warning with its file and position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    /// The file (or folder) as stet names it.
    pub file: String,
    /// 1-based line (1 for problems with the whole file).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Line where the spanned text ends.
    pub end_line: u32,
    /// Column where the spanned text ends.
    pub end_column: u32,
    /// What is wrong, without the location.
    pub message: String,
    /// Error or warning.
    #[serde(skip)]
    pub level: Level,
}

impl Diagnostic {
    /// A diagnostic at `span`.
    pub fn at(span: &Span, message: impl Into<String>, level: Level) -> Diagnostic {
        Diagnostic {
            file: span.file.to_string(),
            line: span.start.line,
            column: span.start.column,
            end_line: span.end.line,
            end_column: span.end.column,
            message: message.into(),
            level,
        }
    }

    /// A diagnostic about a whole file or folder.
    pub fn file(path: &Path, message: impl Into<String>, level: Level) -> Diagnostic {
        Diagnostic {
            file: path.to_string_lossy().into_owned(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            message: message.into(),
            level,
        }
    }

    pub(crate) fn from_terraform(error: &stet_terraform::Error) -> Diagnostic {
        let level = if error.is_warning() {
            Level::Warning
        } else {
            Level::Error
        };
        use stet_terraform::Error as E;
        let limit = match error {
            E::TooLarge { .. } => Some("max-file-size"),
            E::ModuleDepth { .. } => Some("max-module-depth"),
            E::EvalBudget { .. } => Some("max-eval-steps"),
            E::TooManyResources { .. } => Some("max-resources"),
            E::TooManyInstances { .. } => Some("max-instances"),
            E::StringTooLong { .. } => Some("max-string-len"),
            _ => None,
        };
        let message = error.message() + &limit.map(raise_hint).unwrap_or_default();
        match (error, error.span()) {
            (_, Some(span)) => Diagnostic::at(span, message, level),
            (E::Read { path, .. } | E::TooLarge { path, .. }, None) => {
                Diagnostic::file(path, message, level)
            }
            (_, None) => Diagnostic::file(Path::new(""), error.to_string(), level),
        }
    }

    pub(crate) fn from_cloudformation(error: &stet_cloudformation::Error) -> Diagnostic {
        let level = if error.is_warning() {
            Level::Warning
        } else {
            Level::Error
        };
        use stet_cloudformation::Error as E;
        let limit = match error {
            E::TooDeep { .. } => Some("max-depth"),
            E::AliasExpansion { .. } => Some("max-yaml-nodes"),
            _ => None,
        };
        let message = error.message() + &limit.map(raise_hint).unwrap_or_default();
        Diagnostic::at(error.span(), message, level)
    }
}

/// How to raise the limit `name` when it was hit: ` (raise it with `--limit NAME=N` or
/// `[limits]` in stet.toml)`.
pub(crate) fn raise_hint(name: &str) -> String {
    format!(" (raise it with `--limit {name}=N` or `{name}` under `[limits]` in stet.toml)")
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {level}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}
