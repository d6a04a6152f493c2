//! Why a plan or change set could not be read.

use stet_graph::{JsonError, Span};

/// A plan or change-set file that is not what it should be.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// The file is not valid JSON.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// The JSON is valid but not shaped like the format (with where and what was expected).
    #[error("{span}: {message}")]
    Shape {
        /// Where.
        span: Span,
        /// What was expected.
        message: String,
    },
}

impl ReadError {
    /// Where the problem is.
    pub fn span(&self) -> &Span {
        match self {
            ReadError::Json(e) => e.span(),
            ReadError::Shape { span, .. } => span,
        }
    }

    /// The message without the location.
    pub fn message(&self) -> String {
        match self {
            ReadError::Json(JsonError::Syntax { message, .. }) => message.clone(),
            ReadError::Json(e) => {
                let text = e.to_string();
                let prefix = format!("{}: ", e.span());
                text.strip_prefix(&prefix).unwrap_or(&text).to_string()
            }
            ReadError::Shape { message, .. } => message.clone(),
        }
    }
}
