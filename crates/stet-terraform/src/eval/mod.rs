//! The expression evaluator: HCL expressions (hcl-edit's tree) and JSON-syntax values into
//! typed [`Val`]s, with HCL's rules — templates (a template of one interpolation yields the
//! value itself), `for` expressions, splats, conditionals with type unification, operators
//! with conversion — and Terraform's functions ([`crate::functions`]). Names (`var`, `local`,
//! `module`, `count`, `each`, `path`, `terraform`, resources) are resolved by the module
//! being read through [`Namespace`].
//!
//! Three outcomes are kept apart: a known value; *unknown* (a resource attribute, an unset
//! variable), kept as an unknown value that remembers its expression; and *error* — what
//! Terraform itself would reject ([`Fail`], with Terraform's summary and detail) — which
//! `try`/`can` catch and which is otherwise reported at its place. Every step is counted
//! against [`Limits::max_eval_steps`].
//!
//! The scope, the context and the entry points are here; each kind of expression has its
//! file: `expression` (literals, collections, operators, and the dispatch by kind),
//! `traversal` (references, attribute and index steps, splats), `conditional`, `call`
//! (function calls, `try`, `can`), `for_expr`, `template` (templates and heredocs), with
//! `ops` (operators), `references` and `text_pieces` beside them.

mod call;
mod conditional;
mod expression;
mod for_expr;
mod ops;
mod references;
mod template;
mod text_pieces;
mod traversal;

pub(crate) use for_expr::iteration;
pub(crate) use references::references;

use crate::cty::{Kind, Type, Val};
use crate::source::FileText;
use crate::syntax::ExprRef;
use crate::{Error, FileSource};
use hcl_edit::expr::Expression;
use hcl_edit::Span as _;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use stet_graph::{Expr, Limits, Span, Value};

/// What Terraform would reject while evaluating: its summary and detail, and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fail {
    pub span: Span,
    pub summary: String,
    pub detail: String,
    /// Found by Terraform's static checks, before evaluation (a reference to something not
    /// declared): `try` and `can` do not catch it.
    pub static_check: bool,
}

impl Fail {
    pub fn new(span: &Span, summary: &str, detail: impl Into<String>) -> Fail {
        Fail {
            span: span.clone(),
            summary: summary.into(),
            detail: detail.into(),
            static_check: false,
        }
    }

    /// A problem Terraform finds before evaluating (an undeclared reference).
    pub fn static_check(span: &Span, summary: &str, detail: impl Into<String>) -> Fail {
        Fail {
            static_check: true,
            ..Fail::new(span, summary, detail)
        }
    }

    /// The error to report.
    pub fn into_error(self) -> Error {
        Error::Eval {
            span: self.span,
            summary: self.summary,
            detail: self.detail,
        }
    }
}

pub(crate) type Eval = Result<Val, Fail>;

/// State shared by every module of one load.
pub(crate) struct Ctx<'a> {
    pub limits: &'a Limits,
    pub files: &'a dyn FileSource,
    /// Terraform's working directory (the root module's folder): `file()` paths are
    /// relative to it.
    pub root_dir: PathBuf,
    /// Nothing outside this folder is read.
    pub confine: Option<PathBuf>,
    /// `confine` with its symbolic links resolved.
    real_confine: Option<PathBuf>,
    steps: Cell<u64>,
    budget_reported: Cell<bool>,
    string_reported: Cell<bool>,
    reported: RefCell<HashSet<(String, u32, u32, String)>>,
    pub diagnostics: RefCell<Vec<Error>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        limits: &'a Limits,
        files: &'a dyn FileSource,
        root_dir: PathBuf,
        confine: Option<PathBuf>,
    ) -> Ctx<'a> {
        Ctx {
            limits,
            files,
            root_dir,
            real_confine: confine.as_deref().and_then(|r| files.real_path(r)),
            confine,
            steps: Cell::new(0),
            budget_reported: Cell::new(false),
            string_reported: Cell::new(false),
            reported: RefCell::new(HashSet::new()),
            diagnostics: RefCell::new(Vec::new()),
        }
    }

    /// Whether reading `path` would leave the repository: lexically (`../..`, an absolute
    /// path) or through a symbolic link that leads outside.
    pub fn outside(&self, path: &Path) -> bool {
        let Some(root) = &self.confine else {
            return false;
        };
        if !crate::source::is_inside(path, root) {
            return true;
        }
        match (&self.real_confine, self.files.real_path(path)) {
            (Some(real_root), Some(real)) => !real.starts_with(real_root),
            _ => false,
        }
    }

    /// Counts one evaluation step; `false` once the budget is spent.
    fn step(&self, span: &Span) -> bool {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps <= self.limits.max_eval_steps {
            return true;
        }
        if !self.budget_reported.replace(true) {
            self.diagnostics.borrow_mut().push(Error::EvalBudget {
                span: span.clone(),
                limit: self.limits.max_eval_steps,
            });
        }
        false
    }

    /// Whether `text` is over the string length limit; the first time, a warning at `span`.
    pub fn too_long(&self, text: &str, span: &Span) -> bool {
        if text.len() <= self.limits.max_string_len {
            return false;
        }
        if !self.string_reported.replace(true) {
            self.warn(Error::StringTooLong {
                span: span.clone(),
                limit: self.limits.max_string_len,
            });
        }
        true
    }

    pub fn warn(&self, error: Error) {
        self.diagnostics.borrow_mut().push(error);
    }

    /// Reports an error that is not an evaluation failure (an invalid `count`), once per
    /// place and message.
    pub fn report_error(&self, error: Error) {
        let span = error
            .span()
            .cloned()
            .unwrap_or_else(|| Span::file_start("".into()));
        let key = (
            span.file.to_string(),
            span.start.line,
            span.start.column,
            error.message(),
        );
        if self.reported.borrow_mut().insert(key) {
            self.diagnostics.borrow_mut().push(error);
        }
    }

    /// Reports what Terraform would reject, once per place and summary.
    pub fn report(&self, fail: Fail) {
        let key = (
            fail.span.file.to_string(),
            fail.span.start.line,
            fail.span.start.column,
            fail.summary.clone(),
        );
        if self.reported.borrow_mut().insert(key) {
            self.diagnostics.borrow_mut().push(fail.into_error());
        }
    }
}

/// What a name resolves to.
pub(crate) enum Lookup {
    /// A value, and how many of the attribute names after the root it used.
    Found(Val, usize),
    /// Not known from the source (a resource attribute, an unset variable).
    Unknown,
    /// What Terraform would reject (an undeclared variable, `count.index` without `count`).
    Fail(Fail),
}

/// The names a module makes available to its expressions.
pub(crate) trait Namespace {
    /// Resolves the reference `root.attrs[0].attrs[1]…` (`var.name`, `local.x`,
    /// `module.vpc.vpc_id`, `aws_instance.web.id`); `span` is the reference's.
    fn lookup(&self, root: &str, attrs: &[&str], span: &Span) -> Lookup;
    /// `path.module`: the module's folder relative to the root module (`.` for the root).
    fn path_module(&self) -> &str;
    /// The module instance's address prefix (`""`, `module.app[0].`), put before the
    /// references unknown values keep so that they name addresses from the root.
    fn prefix(&self) -> &str;
}

/// Where an expression is evaluated: a module's names, plus `count.index`, `each` and the
/// variables bound by `for` expressions and dynamic-block iterators.
#[derive(Clone)]
pub(crate) struct Scope<'s, 'a> {
    pub ctx: &'s Ctx<'a>,
    pub names: &'s dyn Namespace,
    pub count_index: Option<Val>,
    pub each: Option<(Val, Val)>,
    pub bound: Vec<(String, Val)>,
    /// Inside a template of `templatefile` or `templatestring` (which may not call the
    /// template functions again): the function's name.
    pub in_template: Option<&'static str>,
    /// Evaluating what Terraform may never evaluate (a resource whose instances are not
    /// known, a condition's error message): failures are not reported.
    pub quiet: bool,
}

impl<'s, 'a> Scope<'s, 'a> {
    pub fn new(ctx: &'s Ctx<'a>, names: &'s dyn Namespace) -> Scope<'s, 'a> {
        Scope {
            ctx,
            names,
            count_index: None,
            each: None,
            bound: Vec::new(),
            in_template: None,
            quiet: false,
        }
    }

    /// Evaluates a whole template (for `templatefile` and `templatestring`).
    pub fn render_template(
        &self,
        file: &FileText,
        t: &hcl_edit::template::Template,
        span: &Span,
    ) -> Eval {
        self.template(file, t, span, false, true)
    }

    /// The references of `e`, as addresses from the root module.
    fn absolute_references(&self, e: &Expression) -> Vec<String> {
        let prefix = self.names.prefix();
        references(e, &self.bound_names())
            .into_iter()
            .map(|r| format!("{prefix}{r}"))
            .collect()
    }

    pub fn with(&self, name: &str, value: Val) -> Scope<'s, 'a> {
        let mut scope = self.clone();
        scope.bound.push((name.to_string(), value));
        scope
    }

    fn bound_names(&self) -> Vec<String> {
        self.bound.iter().map(|(n, _)| n.clone()).collect()
    }

    fn bound(&self, name: &str) -> Option<Val> {
        self.bound
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// Evaluates `expr` for the graph: what Terraform would reject is reported and the
    /// expression kept unresolved.
    pub fn eval(&self, expr: ExprRef<'_>) -> Value {
        self.eval_val(expr).into_graph()
    }

    /// Evaluates `expr` to a typed value; what Terraform would reject is reported and
    /// becomes an unknown value.
    pub fn eval_val(&self, expr: ExprRef<'_>) -> Val {
        match self.try_eval(expr) {
            Ok(v) => v,
            Err(fail) => {
                if !self.quiet {
                    self.ctx.report(fail);
                }
                self.unknown(expr, Type::Dynamic)
            }
        }
    }

    /// Evaluates `expr`, returning what Terraform would reject as an error.
    pub fn try_eval(&self, expr: ExprRef<'_>) -> Eval {
        match expr {
            ExprRef::Hcl(file, e, _) => self.hcl(file, e),
            ExprRef::Json(file, v) => self.json(file, v),
        }
    }

    /// The unknown value of `expr`, of type `ty`.
    pub fn unknown(&self, expr: ExprRef<'_>, ty: Type) -> Val {
        match expr {
            ExprRef::Hcl(file, e, _) => self.unknown_hcl(file, e, ty),
            ExprRef::Json(_, v) => {
                let source = match &v.kind {
                    stet_graph::ValueKind::String(s) => s.clone(),
                    _ => v.to_json().to_string(),
                };
                let prefix = self.names.prefix();
                let references = hcl_edit::parser::parse_template(&source)
                    .map(|t| references::template_references(&t, &self.bound_names()))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| format!("{prefix}{r}"))
                    .collect();
                Val::new(
                    Kind::Unknown(
                        ty,
                        Some(Rc::new(Expr {
                            text: source.clone(),
                            source,
                            references,
                            fallback: None,
                        })),
                    ),
                    v.span.clone(),
                )
            }
        }
    }

    fn expr_info(&self, file: &FileText, e: &Expression) -> Rc<Expr> {
        let span = self.span(file, e);
        let source = file.slice(span.start.offset, span.end.offset).to_string();
        let text = match e {
            Expression::StringTemplate(_) => source.trim_matches('"').to_string(),
            _ => format!("${{{source}}}"),
        };
        Rc::new(Expr {
            source,
            text,
            references: self.absolute_references(e),
            fallback: None,
        })
    }

    fn unknown_hcl(&self, file: &FileText, e: &Expression, ty: Type) -> Val {
        Val::new(
            Kind::Unknown(ty, Some(self.expr_info(file, e))),
            self.span(file, e),
        )
    }

    /// `val` with this expression's text on it when it is an unknown that has none yet.
    fn named(&self, file: &FileText, e: &Expression, mut val: Val) -> Val {
        if let Kind::Unknown(_, info @ None) = &mut val.kind {
            *info = Some(self.expr_info(file, e));
        }
        val
    }

    pub fn span(&self, file: &FileText, e: &Expression) -> Span {
        let fallback = file.start();
        file.span_of(e.span(), &fallback)
    }
}
