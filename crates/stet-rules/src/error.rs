//! The one error type of this crate: a rule file that does not parse, always with its place
//! in the rule file. (What a rule refers to is resolved when it is evaluated, as cfn-guard
//! resolves it: see `EvalError`.)

use stet_graph::Span;

/// A problem with a rule file, found when it is loaded (never mid-scan).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not valid rule language.
    #[error("{span}: {message}")]
    Syntax {
        /// Where parsing stopped.
        span: Span,
        /// What was expected there.
        message: String,
        /// The source line, for a caret display.
        line: String,
    },
    /// A `/regex/` that does not compile.
    #[error("{span}: invalid regular expression: {message}")]
    Regex {
        /// The regex.
        span: Span,
        /// The regex engine's reason.
        message: String,
    },
    /// A rule file that could not be read.
    #[error("{path}: cannot read: {message}")]
    Read {
        /// The file.
        path: String,
        /// The reason.
        message: String,
    },
}

impl Error {
    /// Where the problem is, if it is inside a file.
    pub fn span(&self) -> Option<&Span> {
        match self {
            Error::Syntax { span, .. } | Error::Regex { span, .. } => Some(span),
            Error::Read { .. } => None,
        }
    }

    /// What is wrong, without the location (which [`Error::span`] gives).
    ///
    /// ```
    /// let e = stet_rules::RuleSet::parse("r.guard", "rule r { Resources exits }").unwrap_err();
    /// assert_eq!(e.to_string(), format!("r.guard:1:20: {}", e.message()));
    /// assert!(e.message().ends_with("found `exits`"));
    /// ```
    pub fn message(&self) -> String {
        match self {
            Error::Syntax { message, .. } => message.clone(),
            Error::Regex { message, .. } => format!("invalid regular expression: {message}"),
            Error::Read { message, .. } => format!("cannot read: {message}"),
        }
    }

    /// The error as rustc shows one: the message, the location, the source line and a caret.
    ///
    /// ```text
    /// error: expected a comparison operator or `{`
    ///  --> rules/s3.guard:4:31
    ///   |
    /// 4 |   Properties.BucketName exits
    ///   |                         ^
    /// ```
    pub fn render(&self) -> String {
        let message = match self.span() {
            Some(_) => self.message(),
            None => self.to_string(),
        };
        let mut out = format!("error: {message}\n");
        if let (Some(span), Error::Syntax { line, .. }) = (self.span(), self) {
            let number = span.start.line.to_string();
            let pad = " ".repeat(number.len());
            let column = usize::try_from(span.start.column)
                .unwrap_or(1)
                .saturating_sub(1);
            out.push_str(&format!(
                "{pad}--> {span}\n{pad} |\n{number} | {line}\n{pad} | {}^\n",
                " ".repeat(column)
            ));
        } else if let Some(span) = self.span() {
            out.push_str(&format!(" --> {span}\n"));
        }
        out
    }
}
