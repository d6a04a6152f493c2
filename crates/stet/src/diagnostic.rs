//! [`Diagnostic`]: an error or warning met while loading, with its place, in one shape for
//! every parser (each keeps its own error type; this is where they meet).

use std::path::Path;
use stet_graph::Span;

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Level {
    /// The input could not be read or parsed; stet exits with status 2.
    Error,
    /// Something was not followed or evaluated; the input itself is fine.
    Warning,
}

impl Level {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// An error or warning with its place.
///
/// Two diagnostics are the same when they say the same at the same line:column of the same
/// file: the byte offsets of their spans are not compared, so that a warning found in both
/// versions of a diff is reported once.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Where the problem is: the file (or folder) as stet names it, and the spanned text (line
    /// 1, column 1 for problems with the whole file).
    pub span: Span,
    /// What is wrong, without the location.
    pub message: String,
    /// Error or warning.
    pub level: Level,
}

impl Diagnostic {
    /// A diagnostic at `span`.
    pub fn at(span: &Span, message: impl Into<String>, level: Level) -> Diagnostic {
        Diagnostic {
            span: span.clone(),
            message: message.into(),
            level,
        }
    }

    /// A diagnostic about a whole file or folder.
    pub fn file(path: impl AsRef<Path>, message: impl Into<String>, level: Level) -> Diagnostic {
        Diagnostic {
            span: Span::file_start(path.as_ref().to_string_lossy().into()),
            message: message.into(),
            level,
        }
    }

    /// What identifies it: file, line:column of start and end, message, level.
    fn key(&self) -> (&str, (u32, u32), (u32, u32), &str, Level) {
        (
            &self.span.file,
            (self.span.start.line, self.span.start.column),
            (self.span.end.line, self.span.end.column),
            &self.message,
            self.level,
        )
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
        write!(f, "{}: {}: {}", self.span, self.level, self.message)
    }
}

impl PartialEq for Diagnostic {
    fn eq(&self, other: &Diagnostic) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Diagnostic {}

impl PartialOrd for Diagnostic {
    fn partial_cmp(&self, other: &Diagnostic) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Diagnostic {
    fn cmp(&self, other: &Diagnostic) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl std::hash::Hash for Diagnostic {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_do_not_tell_diagnostics_apart() {
        let mut a = Span::file_start("main.tf".into());
        a.start.line = 3;
        let mut b = a.clone();
        b.start.offset = 40;
        let one = Diagnostic::at(&a, "x", Level::Warning);
        let two = Diagnostic::at(&b, "x", Level::Warning);
        assert_eq!(one, two);
        assert_eq!(one.to_string(), "main.tf:3:1: warning: x");
    }
}
