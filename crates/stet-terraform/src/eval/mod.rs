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

mod ops;
mod references;
mod template;
mod text_pieces;

pub(crate) use references::references;

use crate::cty::{convert, unify, Entry, Kind, Number, Type, Val};
use crate::source::FileText;
use crate::syntax::ExprRef;
use crate::{Error, FileSource};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator, UnaryOperator};
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

    /// A JSON-syntax value: strings are templates, the rest is taken as it is.
    fn json(&self, file: &FileText, v: &Value) -> Eval {
        use stet_graph::ValueKind as G;
        if !self.ctx.step(&v.span) {
            return Ok(self.unknown(ExprRef::Json(file, v), Type::Dynamic));
        }
        let span = v.span.clone();
        Ok(match &v.kind {
            G::String(s) if s.contains("${") || s.contains("%{") => {
                let Ok(t) = hcl_edit::parser::parse_template(s) else {
                    return Err(Fail::new(
                        &span,
                        "Invalid template",
                        "This string is not a valid template.",
                    ));
                };
                // The template's expressions are read from the string itself; what they
                // compute is placed at the string.
                let inner = FileText::new(file.path.clone(), std::sync::Arc::from(s.as_str()));
                let out = self
                    .template(&inner, &t, &span, false, true)
                    .map_err(|mut f| {
                        f.span = span.clone();
                        f
                    })?
                    .respanned(&span);
                match out.kind {
                    Kind::Unknown(ty, None) => Val::new(
                        Kind::Unknown(
                            ty,
                            match self.unknown(ExprRef::Json(file, v), Type::Dynamic).kind {
                                Kind::Unknown(_, info) => info,
                                _ => None,
                            },
                        ),
                        span,
                    ),
                    _ => out,
                }
            }
            G::String(s) => Val::string(s.replace("$${", "${").replace("%%{", "%{"), span),
            G::List(items) => Val::tuple(
                items
                    .iter()
                    .map(|i| self.json(file, i))
                    .collect::<Result<_, _>>()?,
                span,
            ),
            G::Map(map) => {
                let mut entries = Vec::new();
                for e in map.iter() {
                    entries.push(Entry {
                        key: e.key.clone(),
                        key_span: e.key_span.clone(),
                        value: self.json(file, &e.value)?,
                    });
                }
                Val::object(entries, span)
            }
            other => Val::from_graph(&Value::new(other.clone(), span)),
        })
    }

    /// Evaluates an HCL expression.
    pub fn hcl(&self, file: &FileText, e: &Expression) -> Eval {
        let span = self.span(file, e);
        if !self.ctx.step(&span) {
            return Ok(self.unknown_hcl(file, e, Type::Dynamic));
        }
        let val = match e {
            Expression::Null(_) => Val::null(Type::Dynamic, span),
            Expression::Bool(b) => Val::bool(*b.value(), span),
            Expression::Number(n) => {
                let text = file.slice(span.start.offset, span.end.offset);
                match Number::parse(text.trim()) {
                    Some(n) => Val::number(n, span),
                    None => Val::number(
                        Number::from_f64(n.value().as_f64().unwrap_or(0.0))
                            .unwrap_or_else(|| Number::from_i64(0)),
                        span,
                    ),
                }
            }
            Expression::String(s) => Val::string(s.value().to_string(), span),
            Expression::Array(items) => Val::tuple(
                items
                    .iter()
                    .map(|i| self.hcl(file, i))
                    .collect::<Result<_, _>>()?,
                span,
            ),
            Expression::Object(object) => {
                let mut entries: Vec<Entry> = Vec::new();
                let mut unknown_key = false;
                for (key, value) in object.iter() {
                    let (name, key_span) = match key {
                        ObjectKey::Ident(ident) => (
                            ident.as_str().to_string(),
                            file.span_of(ident.span(), &span),
                        ),
                        ObjectKey::Expression(k) => {
                            let key_value = self.hcl(file, k)?;
                            let key_span = self.span(file, k);
                            if key_value.is_null() {
                                return Err(Fail::new(
                                    &key_span,
                                    "Null value as key",
                                    "Can't use a null value as a key.",
                                ));
                            }
                            if !key_value.is_known() {
                                unknown_key = true;
                                continue;
                            }
                            match convert(key_value, &Type::String) {
                                Ok(v) => (v.as_str().unwrap_or_default().to_string(), key_span),
                                Err(m) => {
                                    return Err(Fail::new(
                                        &key_span,
                                        "Incorrect key type",
                                        format!("Can't use this value as a key: {m}."),
                                    ))
                                }
                            }
                        }
                    };
                    let value = self.hcl(file, value.expr())?;
                    // A key given twice: the last one wins (hclsyntax ObjectConsExpr).
                    entries.retain(|e| e.key != name);
                    entries.push(Entry {
                        key: name,
                        key_span,
                        value,
                    });
                }
                if unknown_key {
                    return Ok(self.unknown_hcl(file, e, Type::Dynamic));
                }
                Val::object(entries, span)
            }
            Expression::StringTemplate(t) => {
                let out = self.template(file, t, &span, false, true)?;
                return Ok(self.named_template(file, e, t, out, &span));
            }
            Expression::HeredocTemplate(h) => {
                let out = self.template(file, &h.template, &span, true, false)?;
                return Ok(self.named_template(file, e, &h.template, out, &span));
            }
            Expression::Parenthesis(p) => return self.hcl(file, p.inner()),
            Expression::Variable(v) => {
                return match self.bound(v.as_str()) {
                    Some(value) => Ok(value),
                    None => self.traversal(file, e, e, &[]),
                }
            }
            Expression::Conditional(c) => return self.conditional(file, e, c, &span),
            Expression::FuncCall(call) => {
                let out = self.call(file, e, call, &span)?;
                return Ok(self.named(file, e, out));
            }
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                return self.traversal(file, e, &t.expr, &ops);
            }
            Expression::UnaryOp(op) => {
                let value = self.hcl(file, &op.expr)?;
                let out = match op.operator.value() {
                    UnaryOperator::Not => ops::not(value, &span)?,
                    UnaryOperator::Neg => ops::negate(value, &span)?,
                };
                return Ok(self.named(file, e, out));
            }
            Expression::BinaryOp(op) => {
                let lhs = self.hcl(file, &op.lhs_expr)?;
                let rhs = self.hcl(file, &op.rhs_expr)?;
                let out = ops::binary(*op.operator.value(), lhs, rhs, &span)?;
                return Ok(self.named(file, e, out));
            }
            Expression::ForExpr(f) => {
                let out = self.for_expr(file, f, &span)?;
                return Ok(self.named(file, e, out));
            }
        };
        Ok(val)
    }

    /// An unknown template's value keeps its known parts in the text rules see.
    fn named_template(
        &self,
        file: &FileText,
        e: &Expression,
        t: &hcl_edit::template::Template,
        out: Val,
        span: &Span,
    ) -> Val {
        if !matches!(out.kind, Kind::Unknown(Type::String, None)) || is_wrap(t) {
            return self.named(file, e, out);
        }
        let mut info = (*self.expr_info(file, e)).clone();
        let heredoc = matches!(e, Expression::HeredocTemplate(_));
        let mut origin = None;
        if let Ok((text, pieces)) = self.template_text(file, t, span, heredoc) {
            info.text = text;
            origin = pieces;
        }
        let mut val = Val::new(Kind::Unknown(Type::String, Some(Rc::new(info))), out.span);
        val.text_origin = origin;
        val.marked(out.sensitive)
    }

    fn conditional(
        &self,
        file: &FileText,
        whole: &Expression,
        c: &hcl_edit::expr::Conditional,
        span: &Span,
    ) -> Eval {
        // Both results are evaluated for their types; errors count only in the branch
        // taken (hclsyntax ConditionalExpr).
        let t = self.hcl(file, &c.true_expr);
        let f = self.hcl(file, &c.false_expr);
        let ty_of = |r: &Eval| match r {
            Ok(v) => v.ty(),
            Err(_) => Type::Dynamic,
        };
        let is_dyn_null =
            |r: &Eval| matches!(r, Ok(v) if matches!(v.kind, Kind::Null(Type::Dynamic)));
        let (tt, ft) = (ty_of(&t), ty_of(&f));
        let result_ty = if is_dyn_null(&t) {
            Some(ft.clone())
        } else if is_dyn_null(&f) {
            Some(tt.clone())
        } else if tt == Type::Dynamic || ft == Type::Dynamic {
            Some(Type::Dynamic)
        } else {
            unify(&[tt.clone(), ft.clone()], true)
        };
        let makes_unknown = !is_dyn_null(&t)
            && !is_dyn_null(&f)
            && tt != Type::Dynamic
            && ft != Type::Dynamic
            && crate::cty::unify_makes_unknown(&[tt.clone(), ft.clone()]);
        let Some(result_ty) = result_ty else {
            return Err(Fail::new(
                span,
                "Inconsistent conditional result types",
                format!(
                    "The true and false result expressions must have consistent types. The '{}' value is {}, but the '{}' value is {}.",
                    "true", tt.friendly_name(), "false", ft.friendly_name()
                ),
            ));
        };
        let cond = self.hcl(file, &c.cond_expr)?;
        if cond.is_null() {
            return Err(Fail::new(
                &self.span(file, &c.cond_expr),
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
            ));
        }
        let marks = cond.sensitive
            || t.as_ref().is_ok_and(|v| v.sensitive)
            || f.as_ref().is_ok_and(|v| v.sensitive);
        if !cond.is_known() {
            if let (Ok(tv), Ok(fv)) = (&t, &f) {
                if tv.is_null() && fv.is_null() {
                    return Ok(Val::null(result_ty, span.clone()).marked(marks));
                }
            }
            return Ok(self.unknown_hcl(file, whole, result_ty).marked(marks));
        }
        let cond = convert(cond, &Type::Bool).map_err(|_| {
            Fail::new(
                span,
                "Incorrect condition type",
                "The condition expression must be of type bool.",
            )
        })?;
        let chosen = if cond.as_bool() == Some(true) { t? } else { f? };
        if makes_unknown {
            return Ok(self.unknown_hcl(file, whole, Type::Dynamic).marked(marks));
        }
        let mut chosen = chosen;
        chosen.sensitive = false;
        let out = if chosen.ty() == result_ty || result_ty == Type::Dynamic {
            chosen
        } else {
            convert(chosen, &result_ty).map_err(|m| {
                Fail::new(
                    span,
                    "Inconsistent conditional result types",
                    format!("The result value has the wrong type: {m}."),
                )
            })?
        };
        Ok(out.marked(marks))
    }

    /// A reference: a bound name, or a name the module resolves, then the traversal's
    /// attribute, index and splat steps.
    fn traversal(
        &self,
        file: &FileText,
        whole: &Expression,
        root: &Expression,
        ops: &[&TraversalOperator],
    ) -> Eval {
        let span = self.span(file, whole);
        let (current, next) = match root {
            Expression::Variable(v) => {
                let name = v.as_str();
                if let Some(value) = self.bound(name) {
                    (value, 0)
                } else {
                    let attrs: Vec<&str> = ops
                        .iter()
                        .map_while(|op| match op {
                            TraversalOperator::GetAttr(a) => Some(a.as_str()),
                            _ => None,
                        })
                        .collect();
                    match self.builtin_name(name, &attrs, &span) {
                        Some(Lookup::Found(v, used)) => (v, used),
                        Some(Lookup::Unknown) => {
                            return Ok(self.unknown_hcl(file, whole, Type::Dynamic))
                        }
                        Some(Lookup::Fail(f)) => return Err(f),
                        None => match self.names.lookup(name, &attrs, &span) {
                            Lookup::Found(v, used) => (v, used),
                            Lookup::Unknown => {
                                return Ok(self.unknown_hcl(file, whole, Type::Dynamic))
                            }
                            Lookup::Fail(f) => return Err(f),
                        },
                    }
                }
            }
            other => (self.hcl(file, other)?, 0),
        };
        let out = self.apply_ops(file, current, ops.get(next..).unwrap_or(&[]), &span)?;
        Ok(self.named(file, whole, out))
    }

    /// `count.index`, `each.key`/`each.value`, `path.*`, `terraform.workspace`.
    fn builtin_name(&self, name: &str, attrs: &[&str], span: &Span) -> Option<Lookup> {
        let first = attrs.first().copied();
        Some(match (name, first) {
            ("count", Some("index")) => match &self.count_index {
                Some(v) => Lookup::Found(v.clone().with_span(span.clone()), 1),
                None => Lookup::Fail(Fail::static_check(
                    span,
                    "Reference to \"count\" in non-counted context",
                    "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
                )),
            },
            ("each", Some("key" | "value")) => match &self.each {
                Some((k, v)) => {
                    let v = if first == Some("key") { k } else { v };
                    Lookup::Found(v.clone(), 1)
                }
                None => Lookup::Fail(Fail::static_check(
                    span,
                    "Reference to \"each\" in context without for_each",
                    "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.",
                )),
            },
            ("path", Some("module")) => Lookup::Found(
                Val::string(self.names.path_module().to_string(), span.clone()),
                1,
            ),
            ("path", Some("root")) => Lookup::Found(Val::string(".", span.clone()), 1),
            // The absolute working directory depends on the machine.
            ("path", Some("cwd")) => Lookup::Unknown,
            ("terraform", Some("workspace")) => {
                Lookup::Found(Val::string("default", span.clone()), 1)
            }
            _ => return None,
        })
    }

    /// Applies attribute, index and splat steps to `current`.
    fn apply_ops(
        &self,
        file: &FileText,
        mut current: Val,
        ops: &[&TraversalOperator],
        span: &Span,
    ) -> Eval {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            match op {
                TraversalOperator::GetAttr(name) => {
                    current = ops::get_attr(current, name.as_str(), span)?;
                    i += 1;
                }
                TraversalOperator::Index(index) => {
                    let key = self.hcl(file, index)?;
                    current = ops::index(current, key, span)?;
                    i += 1;
                }
                TraversalOperator::LegacyIndex(n) => {
                    let key = Val::int(i64::try_from(*n.value()).unwrap_or(i64::MAX), span.clone());
                    current = ops::index(current, key, span)?;
                    i += 1;
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(op, TraversalOperator::FullSplat(_));
                    i += 1;
                    let end = ops
                        .iter()
                        .enumerate()
                        .skip(i)
                        .find(|(_, op)| !full && !matches!(op, TraversalOperator::GetAttr(_)))
                        .map_or(ops.len(), |(j, _)| j);
                    let each = ops.get(i..end).unwrap_or(&[]);
                    current = self.splat(file, current, each, span)?;
                    i = end;
                }
            }
        }
        Ok(current)
    }

    /// `source[*].each…` (hclsyntax SplatExpr).
    fn splat(
        &self,
        file: &FileText,
        source: Val,
        each: &[&TraversalOperator],
        span: &Span,
    ) -> Eval {
        let ty = source.ty();
        let auto_upgrade = !matches!(ty, Type::Tuple(_) | Type::List(_) | Type::Set(_));
        if source.is_null() {
            if auto_upgrade {
                return Ok(Val::tuple(Vec::new(), span.clone()).marked(source.sensitive));
            }
            return Err(Fail::new(
                span,
                "Splat of null value",
                "Splat expressions (with the * symbol) cannot be applied to null sequences.",
            ));
        }
        if ty == Type::Dynamic || !source.is_known() {
            return Ok(Val::unknown(Type::Dynamic, span.clone()).marked(source.sensitive));
        }
        let sensitive = source.sensitive;
        let is_list = matches!(source.kind, Kind::List(..) | Kind::Set(..));
        let items: Vec<Val> = if auto_upgrade {
            vec![source]
        } else {
            source.elements().map(<[Val]>::to_vec).unwrap_or_default()
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.apply_ops(file, item, each, span)?);
        }
        let result = if is_list {
            let ety = out.first().map_or(Type::Dynamic, Val::ty);
            if out.iter().all(|v| v.ty() == ety) {
                Val::list(ety, out, span.clone())
            } else {
                Val::tuple(out, span.clone())
            }
        } else {
            Val::tuple(out, span.clone())
        };
        Ok(result.marked(sensitive))
    }

    fn call(
        &self,
        file: &FileText,
        whole: &Expression,
        call: &hcl_edit::expr::FuncCall,
        span: &Span,
    ) -> Eval {
        let args: Vec<&Expression> = call.args.iter().collect();
        if call.name.is_namespaced() {
            // Provider-defined functions (`provider::aws::arn_parse`) run in the provider.
            for arg in &args {
                self.hcl(file, arg)?;
            }
            return Ok(self.unknown_hcl(file, whole, Type::Dynamic));
        }
        let name = call.name.name.as_str();
        if let Some(outer) = self.in_template {
            let fs = matches!(
                name,
                "file"
                    | "fileexists"
                    | "fileset"
                    | "filebase64"
                    | "filebase64sha256"
                    | "filebase64sha512"
                    | "filemd5"
                    | "filesha1"
                    | "filesha256"
                    | "filesha512"
                    | "templatefile"
            );
            if matches!(name, "templatefile" | "templatestring") {
                return Err(Fail::new(
                    span,
                    "Error in function call",
                    format!("Call to function \"{outer}\" failed: cannot recursively call {name} from inside another template function."),
                ));
            }
            if outer == "templatestring" && fs {
                return Err(Fail::new(
                    span,
                    "Error in function call",
                    format!("Call to function \"{outer}\" failed: cannot use filesystem access functions like {name} in templatestring templates; consider passing the function result as a template variable instead."),
                ));
            }
        }
        if name == "templatestring" {
            if let Some(first) = args.first() {
                if !is_reference(first) {
                    return Err(Fail::new(
                        span,
                        "Invalid function argument",
                        "Invalid value for \"template\" parameter: invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression.",
                    ));
                }
            }
        }
        // `try` and `can` look at errors, so their arguments are evaluated one at a time.
        match name {
            "try" => return self.call_try(file, whole, &args, span),
            "can" => {
                let [arg] = args.as_slice() else {
                    return Err(arity(span, name, 1, args.len()));
                };
                return Ok(match self.hcl(file, arg) {
                    Ok(v) if v.is_wholly_known() => Val::bool(true, span.clone()),
                    Ok(_) => Val::unknown(Type::Bool, span.clone()),
                    Err(f) if f.static_check => return Err(f),
                    Err(_) => Val::bool(false, span.clone()),
                });
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in &args {
            values.push(self.hcl(file, arg)?);
        }
        if call.args.expand_final() {
            match values.pop() {
                Some(last) if last.is_null() => {
                    return Err(Fail::new(
                        span,
                        "Invalid expanding argument value",
                        "The expanding argument (indicated by ...) must not be null.",
                    ))
                }
                Some(last) if !last.is_known() => {
                    return Ok(self.unknown_hcl(file, whole, Type::Dynamic))
                }
                Some(last) => match last.elements() {
                    Some(items) => values.extend(items.iter().cloned()),
                    None => {
                        return Err(Fail::new(
                            span,
                            "Invalid expanding argument value",
                            "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
                        ))
                    }
                },
                None => {}
            }
        }
        if let Some(sole) = sole_unknown_coalesce(name, &values) {
            return Ok(sole);
        }
        let out = crate::functions::call(self, name, values, span)?;
        if let (Kind::Unknown(_, None), "jsonencode") = (&out.kind, name) {
            // `jsonencode` of a value with unknown parts: the text is the JSON with each
            // unknown part written as its `${...}` text, so rules can still read it.
            if let Ok(arg) = self.hcl(file, args.first().copied().unwrap_or(whole)) {
                let mut info = (*self.expr_info(file, whole)).clone();
                info.text = crate::functions::json_encode_partial(&arg);
                let val = Val::new(Kind::Unknown(Type::String, Some(Rc::new(info))), out.span);
                return Ok(val.encoding_of(&arg));
            }
        }
        Ok(out)
    }

    fn call_try(
        &self,
        file: &FileText,
        whole: &Expression,
        args: &[&Expression],
        span: &Span,
    ) -> Eval {
        if args.is_empty() {
            return Err(Fail::new(
                span,
                "Invalid function arguments",
                "At least one argument is required.",
            ));
        }
        let mut last = None;
        for arg in args {
            match self.hcl(file, arg) {
                // An unknown result might turn out to fail: the whole call is unknown.
                Ok(v) if !v.is_wholly_known() => return Ok(self.unknown_try(file, whole, args)),
                Ok(v) => return Ok(v),
                Err(f) if f.static_check => return Err(f),
                Err(f) => last = Some(f),
            }
        }
        Err(Fail::new(
            span,
            "Error in function call",
            format!(
                "Call to function \"try\" failed: no expression succeeded:\n- {}",
                last.map(|f| format!("{} ({})", f.summary, f.detail))
                    .unwrap_or_default()
            ),
        ))
    }

    /// The unknown value of a `try` whose attempts are unknown, with its known fallback (the
    /// last argument) when it has one, so that the diff can compare it case by case.
    fn unknown_try(&self, file: &FileText, whole: &Expression, args: &[&Expression]) -> Val {
        let unknown = self.unknown_hcl(file, whole, Type::Dynamic);
        let (Some((last, attempts)), Kind::Unknown(ty, Some(info))) =
            (args.split_last(), &unknown.kind)
        else {
            return unknown;
        };
        let (Some(first), Some(final_attempt)) = (attempts.first(), attempts.last()) else {
            return unknown;
        };
        let fallback = match self.hcl(file, last) {
            Ok(v) if v.is_wholly_known() => v.into_graph().to_json().to_string(),
            _ => return unknown,
        };
        let (start, end) = (self.span(file, first), self.span(file, final_attempt));
        let mut info = (**info).clone();
        info.fallback = Some(stet_graph::Fallback {
            attempt: file.slice(start.start.offset, end.end.offset).to_string(),
            value: fallback,
        });
        Val::new(Kind::Unknown(ty.clone(), Some(Rc::new(info))), unknown.span)
    }

    fn for_expr(&self, file: &FileText, f: &hcl_edit::expr::ForExpr, span: &Span) -> Eval {
        let coll = self.hcl(file, &f.intro.collection_expr)?;
        if coll.is_null() {
            return Err(Fail::new(
                span,
                "Iteration over null value",
                "A null value cannot be used as the collection in a 'for' expression.",
            ));
        }
        if coll.ty() == Type::Dynamic {
            return Ok(Val::unknown(Type::Dynamic, span.clone()));
        }
        let mut marks = coll.sensitive;
        if let Some(cond) = &f.cond {
            // HCL checks the condition once with unknown iteration values first.
            let mut probe = self.clone();
            if let Some(k) = &f.intro.key_var {
                probe = probe.with(k.as_str(), Val::unknown(Type::Dynamic, span.clone()));
            }
            probe = probe.with(
                f.intro.value_var.as_str(),
                Val::unknown(Type::Dynamic, span.clone()),
            );
            let result = probe.hcl(file, &cond.expr)?;
            if result.is_null() {
                return Err(Fail::new(
                    &self.span(file, &cond.expr),
                    "Condition is null",
                    "The value of the 'if' clause must not be null.",
                ));
            }
            if let Err(m) = convert(result, &Type::Bool) {
                return Err(Fail::new(
                    span,
                    "Invalid 'for' condition",
                    format!("The 'if' clause value is invalid: {m}."),
                ));
            }
        }
        let Some(items) = iteration(&coll) else {
            return Err(Fail::new(
                span,
                "Iteration over non-iterable value",
                format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    coll.ty().friendly_name()
                ),
            ));
        };
        if !coll.is_known() {
            return Ok(Val::unknown(Type::Dynamic, span.clone()).marked(marks));
        }
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let mut known = true;
        let mut list = Vec::new();
        let mut object: Vec<Entry> = Vec::new();
        let mut groups: Vec<(String, Span, Vec<Val>)> = Vec::new();
        for (k, v) in items {
            if !self.ctx.step(span) {
                return Ok(Val::unknown(Type::Dynamic, span.clone()));
            }
            let mut scope = self.clone();
            if let Some(kv) = &key_var {
                scope = scope.with(kv, k);
            }
            scope = scope.with(&value_var, v);
            if let Some(cond) = &f.cond {
                let include = scope.hcl(file, &cond.expr)?;
                if include.is_null() {
                    return Err(Fail::new(
                        &self.span(file, &cond.expr),
                        "Invalid 'for' condition",
                        "The value of the 'if' clause must not be null.",
                    ));
                }
                marks |= include.sensitive;
                if !include.is_known() {
                    known = false;
                    continue;
                }
                let include = convert(include, &Type::Bool).map_err(|m| {
                    Fail::new(
                        span,
                        "Invalid 'for' condition",
                        format!("The 'if' clause value is invalid: {m}."),
                    )
                })?;
                if include.as_bool() == Some(false) {
                    continue;
                }
            }
            match &f.key_expr {
                Some(key_expr) => {
                    let key = scope.hcl(file, key_expr)?;
                    if key.is_null() {
                        return Err(Fail::new(
                            &self.span(file, key_expr),
                            "Invalid object key",
                            "Key expression in 'for' expression must not produce a null value.",
                        ));
                    }
                    marks |= key.sensitive;
                    if !key.is_known() {
                        known = false;
                        continue;
                    }
                    let key_span = self.span(file, key_expr);
                    let key = convert(key, &Type::String).map_err(|m| {
                        Fail::new(
                            &key_span,
                            "Invalid object key",
                            format!("The key expression produced an invalid result: {m}."),
                        )
                    })?;
                    let name = key.as_str().unwrap_or_default().to_string();
                    let value = scope.hcl(file, &f.value_expr)?;
                    if f.grouping {
                        match groups.iter_mut().find(|g| g.0 == name) {
                            Some(g) => g.2.push(value),
                            None => groups.push((name, key_span, vec![value])),
                        }
                    } else if object.iter().any(|e| e.key == name) {
                        return Err(Fail::new(
                            span,
                            "Duplicate object key",
                            format!("Two different items produced the key {name:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."),
                        ));
                    } else {
                        object.push(Entry {
                            key: name,
                            key_span,
                            value,
                        });
                    }
                }
                None => list.push(scope.hcl(file, &f.value_expr)?),
            }
        }
        if !known {
            return Ok(Val::unknown(Type::Dynamic, span.clone()).marked(marks));
        }
        let out = match &f.key_expr {
            Some(_) if f.grouping => Val::object(
                groups
                    .into_iter()
                    .map(|(key, key_span, values)| Entry {
                        key,
                        key_span,
                        value: Val::tuple(values, span.clone()),
                    })
                    .collect(),
                span.clone(),
            ),
            Some(_) => Val::object(object, span.clone()),
            None => Val::tuple(list, span.clone()),
        };
        Ok(out.marked(marks))
    }
}

/// Whether `e` is a reference (a traversal, possibly indexed or splatted), as the first
/// argument of `templatestring` must be.
fn is_reference(e: &Expression) -> bool {
    match e {
        Expression::Variable(_) => true,
        Expression::Traversal(t) => is_reference(&t.expr),
        Expression::Parenthesis(p) => is_reference(p.inner()),
        _ => false,
    }
}

/// Whether a template is a single interpolation with nothing around it, which HCL evaluates
/// to the interpolated value itself (`"${var.list}"` is the list).
fn is_wrap(t: &hcl_edit::template::Template) -> bool {
    let mut elements = t.iter();
    matches!(
        (elements.next(), elements.next()),
        (Some(hcl_edit::template::Element::Interpolation(_)), None)
    )
}

/// The (key, value) pairs a `for` iterates over, in cty's order: list and tuple index and
/// element, map and object key (sorted) and value, set element twice. `None` for values
/// that cannot be iterated.
pub(crate) fn iteration(coll: &Val) -> Option<Vec<(Val, Val)>> {
    let span = coll.span.clone();
    match &coll.kind {
        Kind::List(..) | Kind::Tuple(_) => Some(
            coll.elements()?
                .iter()
                .enumerate()
                .map(|(i, v)| (Val::int(i as i64, span.clone()), v.clone()))
                .collect(),
        ),
        Kind::Set(_, items) => Some(items.iter().map(|v| (v.clone(), v.clone())).collect()),
        Kind::Map(..) | Kind::Object(_) => Some(
            coll.sorted_entries()?
                .into_iter()
                .map(|e| {
                    (
                        Val::string(e.key.clone(), e.key_span.clone()),
                        e.value.clone(),
                    )
                })
                .collect(),
        ),
        Kind::Unknown(
            Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Tuple(_) | Type::Object(_),
            _,
        ) => Some(Vec::new()),
        _ => None,
    }
}

/// The error Terraform gives for a call with the wrong number of arguments.
pub(crate) fn arity(span: &Span, name: &str, want: usize, got: usize) -> Fail {
    Fail::new(
        span,
        "Invalid function arguments",
        if got < want {
            format!("Function \"{name}\" expects {want} argument(s). Missing value for argument.")
        } else {
            format!("Function \"{name}\" expects only {want} argument(s).")
        },
    )
}

/// `coalesce` whose arguments are all null or empty strings but one unknown: its value is
/// that argument's (or an error, if that too is empty), so it keeps that argument's identity —
/// `coalesce(var.username, var.name)` with `username` defaulting to `""` is `var.name`.
fn sole_unknown_coalesce(name: &str, values: &[Val]) -> Option<Val> {
    if name != "coalesce" {
        return None;
    }
    let mut unknown = values.iter().filter(|v| !v.is_known());
    let sole = unknown.next()?;
    let skipped = |v: &&Val| v.is_null() || matches!(&v.kind, Kind::String(s) if s.is_empty());
    (unknown.next().is_none() && values.iter().filter(|v| v.is_known()).all(|v| skipped(&v)))
        .then(|| sole.clone())
}
