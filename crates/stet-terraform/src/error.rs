//! The one error type of this crate. Some variants are warnings ([`Error::is_warning`]):
//! things stet did not follow or could not evaluate, where the rest of the module is still
//! read and nothing was wrong with the input as Terraform sees it.

use std::path::PathBuf;
use stet_graph::Span;

/// What went wrong while reading a Terraform module, or what stet did not follow.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A file is not valid HCL or JSON.
    #[error("{span}: {message}")]
    Syntax {
        /// Where the parser stopped.
        span: Span,
        /// What the parser expected or found.
        message: String,
    },
    /// A file could not be read.
    #[error("{}: cannot read: {message}", path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        message: String,
    },
    /// A file is not UTF-8 text (a binary file with a `.tf` name, a Latin-1 file).
    #[error("{span}: not UTF-8 text (invalid byte sequence here); Terraform reads only UTF-8")]
    NotUtf8 {
        /// The first invalid byte.
        span: Span,
    },
    /// A file is larger than [`stet_graph::Limits::max_file_size`].
    #[error("{}: not read: {size} bytes is over the {limit}-byte file size limit", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A block is not shaped as Terraform requires (a `resource` without two labels, …).
    #[error("{span}: {message}")]
    Structure {
        /// The block or attribute.
        span: Span,
        /// What is wrong.
        message: String,
    },
    /// A local module source names a folder that does not exist (warning).
    #[error("{span}: module source `{source_path}` not found; its resources are not included")]
    ModuleNotFound {
        /// The `source` value.
        span: Span,
        /// The source as written.
        source_path: String,
    },
    /// A path leads outside the scanned repository, so it was not read (warning).
    #[error("{span}: not followed: `{target}` is outside the repository")]
    OutsideRoot {
        /// Where the path is written.
        span: Span,
        /// The path.
        target: String,
    },
    /// A module calls itself, directly or through others (warning).
    #[error("{span}: module call not followed: it leads back to `{folder}`, which is already being read ({chain})")]
    ModuleCycle {
        /// The module call.
        span: Span,
        /// The folder reached again.
        folder: String,
        /// The chain of folders.
        chain: String,
    },
    /// Module calls nest deeper than [`stet_graph::Limits::max_module_depth`] (warning).
    #[error("{span}: module call not followed: module calls nest deeper than {limit} levels")]
    ModuleDepth {
        /// The module call.
        span: Span,
        /// The limit.
        limit: usize,
    },
    /// Expression evaluation for the module used up [`stet_graph::Limits::max_eval_steps`];
    /// the remaining expressions were kept unevaluated (warning).
    #[error("{span}: expression evaluation stopped after {limit} steps; later values are kept as written")]
    EvalBudget {
        /// The expression being evaluated when the budget ran out.
        span: Span,
        /// The limit.
        limit: u64,
    },
    /// The module expands into more resources than [`stet_graph::Limits::max_resources`];
    /// later module calls were not followed (warning).
    #[error("{span}: module call not followed: the module already expands into {limit} resources")]
    TooManyResources {
        /// The module call.
        span: Span,
        /// The limit.
        limit: usize,
    },
    /// `count` or `for_each` asks for more instances than
    /// [`stet_graph::Limits::max_instances`]; the resource is kept unexpanded (warning).
    #[error("{span}: {count} instances is over the {limit}-instance expansion limit; kept as one unexpanded resource")]
    TooManyInstances {
        /// The `count` or `for_each` expression.
        span: Span,
        /// How many instances were asked for.
        count: u64,
        /// The limit.
        limit: usize,
    },
    /// A function or template would build a string longer than
    /// [`stet_graph::Limits::max_string_len`]; the value is kept as written (warning,
    /// reported once per module).
    #[error(
        "{span}: this string would be over the {limit}-byte string length limit; kept as written"
    )]
    StringTooLong {
        /// The call or template.
        span: Span,
        /// The limit.
        limit: usize,
    },
    /// An expression Terraform would reject, with Terraform's summary and detail (`Invalid
    /// function argument: Invalid value for "str" parameter: string required.`). A warning
    /// for stet, which reads the rest and keeps the expression unresolved; `terraform plan`
    /// would stop here.
    #[error("{span}: terraform would stop here: {summary}: {detail}")]
    Eval {
        /// The expression.
        span: Span,
        /// Terraform's summary of the problem.
        summary: String,
        /// Terraform's detail.
        detail: String,
    },
    /// `.terraform/modules/modules.json` cannot be used for a module call, or at all
    /// (warning): the calls concerned are recorded without their contents.
    #[error("{span}: {message}")]
    ModuleManifest {
        /// The manifest entry, or the module call.
        span: Span,
        /// What is wrong and what to do.
        message: String,
    },
    /// Registry or git module calls were not read because `terraform init` has not
    /// downloaded them (warning, once per root module).
    #[error("{span}: {count} registry or git module call{} not read: run `terraform init` so that `.terraform/modules/modules.json` names their folders; their resources are not included", if *count == 1 { "" } else { "s" })]
    RemoteModulesNotRead {
        /// The first such call's source.
        span: Span,
        /// How many calls.
        count: usize,
    },
}

impl Error {
    /// Whether this is a warning: stet did not follow or evaluate something, but the input
    /// is not at fault as far as Terraform is concerned.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            Error::ModuleNotFound { .. }
                | Error::OutsideRoot { .. }
                | Error::ModuleCycle { .. }
                | Error::ModuleDepth { .. }
                | Error::EvalBudget { .. }
                | Error::TooManyInstances { .. }
                | Error::TooManyResources { .. }
                | Error::StringTooLong { .. }
                | Error::ModuleManifest { .. }
                | Error::RemoteModulesNotRead { .. }
                | Error::Eval { .. }
        )
    }

    /// Where the problem is, when it has a place inside a file.
    pub fn span(&self) -> Option<&Span> {
        match self {
            Error::Syntax { span, .. }
            | Error::NotUtf8 { span }
            | Error::Structure { span, .. }
            | Error::ModuleNotFound { span, .. }
            | Error::OutsideRoot { span, .. }
            | Error::ModuleCycle { span, .. }
            | Error::ModuleDepth { span, .. }
            | Error::EvalBudget { span, .. }
            | Error::TooManyInstances { span, .. }
            | Error::TooManyResources { span, .. }
            | Error::StringTooLong { span, .. }
            | Error::Eval { span, .. }
            | Error::ModuleManifest { span, .. }
            | Error::RemoteModulesNotRead { span, .. } => Some(span),
            Error::Read { .. } | Error::TooLarge { .. } => None,
        }
    }

    /// The message without the location prefix.
    pub fn message(&self) -> String {
        let full = self.to_string();
        let prefix = match self {
            Error::Read { path, .. } | Error::TooLarge { path, .. } => {
                format!("{}: ", path.display())
            }
            _ => self.span().map(|s| format!("{s}: ")).unwrap_or_default(),
        };
        full.strip_prefix(&prefix)
            .map(str::to_string)
            .unwrap_or(full)
    }
}
