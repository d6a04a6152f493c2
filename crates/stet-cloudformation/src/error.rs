//! The one error type of this crate.

use stet_graph::Span;

/// Why a template could not be read, or what is wrong inside one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The text is not valid JSON or YAML.
    #[error("{span}: {message}")]
    Syntax {
        /// Where the parser stopped.
        span: Span,
        /// What the parser expected or found.
        message: String,
    },
    /// A mapping has the same key twice. CloudFormation keeps the last value; so does stet,
    /// and reports it as a warning ([`Error::is_warning`]).
    #[error("{span}: duplicate key `{key}` (first defined at line {first_line}); the last value is used")]
    DuplicateKey {
        /// The second occurrence.
        span: Span,
        /// The key.
        key: String,
        /// The line of the first occurrence.
        first_line: u32,
    },
    /// Values nest deeper than the configured limit.
    #[error("{span}: values nest deeper than {limit} levels")]
    TooDeep {
        /// Where the limit was crossed.
        span: Span,
        /// The limit.
        limit: usize,
    },
    /// Expanding YAML aliases would build more values than the configured limit.
    #[error(
        "{span}: YAML aliases expand to more than {limit} values (a \"billion laughs\" document?)"
    )]
    AliasExpansion {
        /// The alias that crossed the limit.
        span: Span,
        /// The limit.
        limit: usize,
    },
    /// A YAML alias names no anchor defined before it.
    #[error("{span}: YAML alias refers to an unknown anchor")]
    UnknownAnchor {
        /// The alias.
        span: Span,
    },
    /// The file holds several YAML documents; a template is one document.
    #[error("{span}: a CloudFormation template is one YAML document, this file holds more")]
    MultipleDocuments {
        /// The start of the second document.
        span: Span,
    },
    /// The template parses but breaks CloudFormation's structure (a resource without a
    /// `Type`, `Resources` that is not a mapping, …). The rest of the template is still read.
    #[error("{span}: {message}")]
    Structure {
        /// The offending value.
        span: Span,
        /// What is wrong.
        message: String,
    },
    /// Resolving the template met something CloudFormation would refuse or that cannot be
    /// known: a reference to an undefined parameter, resource, condition or mapping entry, a
    /// parameter value that breaks its declaration. A warning ([`Error::is_warning`]): the
    /// value stays unresolved and the rest goes on.
    #[error("{span}: {message}")]
    Reference {
        /// Where the reference or value is written.
        span: Span,
        /// What is wrong.
        message: String,
    },
    /// A parameters file (or a value given for a template) that cannot be read as one: a
    /// syntax error, an unknown format, an entry without a key. A warning unless the file
    /// was named explicitly; the values that could be read are used.
    #[error("{span}: {message}")]
    Parameters {
        /// Where the problem is.
        span: Span,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// Whether this is a warning (the template is read, but something in it is suspect):
    /// duplicate keys and what resolution meets.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            Error::DuplicateKey { .. } | Error::Reference { .. } | Error::Parameters { .. }
        )
    }

    /// Where the problem is.
    pub fn span(&self) -> &Span {
        match self {
            Error::Syntax { span, .. }
            | Error::DuplicateKey { span, .. }
            | Error::TooDeep { span, .. }
            | Error::AliasExpansion { span, .. }
            | Error::UnknownAnchor { span }
            | Error::MultipleDocuments { span }
            | Error::Structure { span, .. }
            | Error::Reference { span, .. }
            | Error::Parameters { span, .. } => span,
        }
    }

    /// The message without the location.
    pub fn message(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.span());
        full.strip_prefix(&prefix)
            .map(str::to_string)
            .unwrap_or(full)
    }
}

impl From<stet_graph::JsonError> for Error {
    fn from(e: stet_graph::JsonError) -> Error {
        match e {
            stet_graph::JsonError::Syntax { span, message } => Error::Syntax { span, message },
            stet_graph::JsonError::DuplicateKey {
                span,
                key,
                first_line,
            } => Error::DuplicateKey {
                span,
                key,
                first_line,
            },
            stet_graph::JsonError::TooDeep { span, limit } => Error::TooDeep { span, limit },
        }
    }
}

impl From<stet_graph::YamlError> for Error {
    fn from(e: stet_graph::YamlError) -> Error {
        use stet_graph::YamlError as Y;
        match e {
            Y::Syntax { span, message } => Error::Syntax { span, message },
            Y::DuplicateKey {
                span,
                key,
                first_line,
            } => Error::DuplicateKey {
                span,
                key,
                first_line,
            },
            Y::TooDeep { span, limit } => Error::TooDeep { span, limit },
            Y::AliasExpansion { span, limit } => Error::AliasExpansion { span, limit },
            Y::UnknownAnchor { span } => Error::UnknownAnchor { span },
        }
    }
}
