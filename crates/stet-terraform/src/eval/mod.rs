//! The expression evaluator: turns hcl-edit expressions (and JSON-syntax values) into
//! [`Value`]s where their inputs are known — literals, templates and heredocs, variables
//! (defaults, `.tfvars`, module inputs), locals, `count.index`, `each.key`/`each.value`,
//! `for` expressions, operators and the functions of [`functions`] — and keeps everything
//! else as an unresolved [`Expr`] with its source text and references. Every step is
//! counted against [`Limits::max_eval_steps`].
//!
//! Two outcomes are kept apart: *unknown* (a resource attribute, an unset variable: an
//! `Expr` value) and *error* (what Terraform itself would reject, such as a missing map key:
//! [`Fail`]), because `try` and `can` treat them differently.

pub(crate) mod functions;
mod references;

pub(crate) use references::references;

use crate::source::FileText;
use crate::syntax::ExprRef;
use crate::{Error, FileSource};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use stet_graph::{Expr, Limits, Map, Span, Value, ValueKind};

/// What Terraform would reject while evaluating (a missing key, a wrong type). Unknown
/// values are not failures.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fail;

pub(crate) type Eval = Result<Value, Fail>;

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
}

/// One module's variables and locals.
pub(crate) struct Env<'a> {
    pub ctx: &'a Ctx<'a>,
    pub variables: HashMap<String, Value>,
    pub locals: HashMap<String, ExprRef<'a>>,
    local_cache: RefCell<HashMap<String, Option<Value>>>,
    local_depth: Cell<usize>,
    /// `path.module`: the module's folder relative to the root module (`.` for the root).
    pub path_module: String,
}

/// How deep locals may refer to locals before the chain is left unevaluated.
const MAX_LOCAL_DEPTH: usize = 128;

impl<'a> Env<'a> {
    pub fn new(
        ctx: &'a Ctx<'a>,
        variables: HashMap<String, Value>,
        locals: HashMap<String, ExprRef<'a>>,
        path_module: String,
    ) -> Env<'a> {
        Env {
            ctx,
            variables,
            locals,
            local_cache: RefCell::new(HashMap::new()),
            local_depth: Cell::new(0),
            path_module,
        }
    }

    /// The value of `local.name`, evaluated once; `None` when undefined or cyclic.
    pub fn local(&self, name: &str) -> Option<Value> {
        if let Some(state) = self.local_cache.borrow().get(name) {
            return state.clone();
        }
        let expr = *self.locals.get(name)?;
        if self.local_depth.get() >= MAX_LOCAL_DEPTH {
            return None;
        }
        self.local_cache.borrow_mut().insert(name.to_string(), None);
        self.local_depth.set(self.local_depth.get() + 1);
        let value = Scope::new(self).eval(expr);
        self.local_depth.set(self.local_depth.get() - 1);
        self.local_cache
            .borrow_mut()
            .insert(name.to_string(), Some(value.clone()));
        Some(value)
    }

    /// Every local, evaluated, in name order.
    pub fn all_locals(&self) -> Vec<(String, Value)> {
        let mut names: Vec<&String> = self.locals.keys().collect();
        names.sort();
        names
            .into_iter()
            .filter_map(|n| self.local(n).map(|v| (n.clone(), v)))
            .collect()
    }
}

/// Where an expression is evaluated: a module's [`Env`] plus `count.index`, `each` and the
/// variables bound by `for` expressions and dynamic-block iterators.
#[derive(Clone)]
pub(crate) struct Scope<'e, 'a> {
    pub env: &'e Env<'a>,
    pub count_index: Option<Value>,
    pub each: Option<(Value, Value)>,
    pub bound: Vec<(String, Value)>,
}

impl<'e, 'a> Scope<'e, 'a> {
    pub fn new(env: &'e Env<'a>) -> Scope<'e, 'a> {
        Scope {
            env,
            count_index: None,
            each: None,
            bound: Vec::new(),
        }
    }

    fn with(&self, name: &str, value: Value) -> Scope<'e, 'a> {
        let mut scope = self.clone();
        scope.bound.push((name.to_string(), value));
        scope
    }

    fn bound_names(&self) -> Vec<String> {
        self.bound.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Evaluates `expr`; what Terraform would reject is kept unevaluated.
    pub fn eval(&self, expr: ExprRef<'_>) -> Value {
        let result = match expr {
            ExprRef::Hcl(file, e, _) => self.hcl(file, e),
            ExprRef::Json(file, v) => self.json(file, v),
        };
        result.unwrap_or_else(|Fail| self.unknown(expr))
    }

    /// The unresolved form of `expr`.
    pub fn unknown(&self, expr: ExprRef<'_>) -> Value {
        match expr {
            ExprRef::Hcl(file, e, _) => self.unknown_hcl(file, e),
            ExprRef::Json(_, v) => {
                let source = match &v.kind {
                    ValueKind::String(s) => s.clone(),
                    _ => v.to_json().to_string(),
                };
                let references = hcl_edit::parser::parse_template(&source)
                    .map(|t| references::template_references(&t, &self.bound_names()))
                    .unwrap_or_default();
                Value::new(
                    ValueKind::Expr(Box::new(Expr {
                        text: source.clone(),
                        source,
                        references,
                    })),
                    v.span.clone(),
                )
            }
        }
    }

    fn unknown_hcl(&self, file: &FileText, e: &Expression) -> Value {
        let span = self.span(file, e);
        let source = file.slice(span.start.offset, span.end.offset).to_string();
        let text = match e {
            Expression::StringTemplate(_) => source.trim_matches('"').to_string(),
            _ => format!("${{{source}}}"),
        };
        Value::new(
            ValueKind::Expr(Box::new(Expr {
                source,
                text,
                references: references(e, &self.bound_names()),
            })),
            span,
        )
    }

    fn span(&self, file: &FileText, e: &Expression) -> Span {
        let fallback = file.start();
        file.span_of(e.span(), &fallback)
    }

    /// A JSON-syntax value: strings are templates, the rest is taken as it is.
    fn json(&self, file: &FileText, v: &Value) -> Eval {
        if !self.env.ctx.step(&v.span) {
            return Ok(self.unknown(ExprRef::Json(file, v)));
        }
        match &v.kind {
            ValueKind::String(s) if s.contains("${") || s.contains("%{") => {
                let Ok(template) = hcl_edit::parser::parse_template(s) else {
                    return Ok(v.clone());
                };
                let result = self.template(file, &template, &v.span)?;
                Ok(match result {
                    Some(text) => Value::string(text, v.span.clone()),
                    None => self.unknown(ExprRef::Json(file, v)),
                })
            }
            ValueKind::List(items) => Ok(Value::new(
                ValueKind::List(
                    items
                        .iter()
                        .map(|i| self.json(file, i))
                        .collect::<Result<_, _>>()?,
                ),
                v.span.clone(),
            )),
            ValueKind::Map(map) => {
                let mut out = Map::new();
                for entry in map.iter() {
                    out.insert(
                        entry.key.clone(),
                        entry.key_span.clone(),
                        self.json(file, &entry.value)?,
                    );
                }
                Ok(Value::new(ValueKind::Map(out), v.span.clone()))
            }
            _ => Ok(v.clone()),
        }
    }

    fn hcl(&self, file: &FileText, e: &Expression) -> Eval {
        let span = self.span(file, e);
        if !self.env.ctx.step(&span) {
            return Ok(self.unknown_hcl(file, e));
        }
        let kind = match e {
            Expression::Null(_) => ValueKind::Null,
            Expression::Bool(b) => ValueKind::Bool(*b.value()),
            Expression::Number(n) => number(n.value()),
            Expression::String(s) => ValueKind::String(s.value().to_string()),
            Expression::Array(items) => ValueKind::List(
                items
                    .iter()
                    .map(|i| self.hcl(file, i))
                    .collect::<Result<_, _>>()?,
            ),
            Expression::Object(object) => {
                let mut map = Map::new();
                for (key, value) in object.iter() {
                    let (name, key_span) = match key {
                        ObjectKey::Ident(ident) => (
                            ident.as_str().to_string(),
                            file.span_of(ident.span(), &span),
                        ),
                        ObjectKey::Expression(k) => {
                            let key_value = self.hcl(file, k)?;
                            match key_value.to_display_string() {
                                Some(name) => (name, key_value.span),
                                None => return Ok(self.unknown_hcl(file, e)),
                            }
                        }
                    };
                    let value = self.hcl(file, value.expr())?;
                    map.insert(name, key_span, value);
                }
                ValueKind::Map(map)
            }
            Expression::StringTemplate(t) => {
                return Ok(match self.template(file, t, &span)? {
                    Some(text) => Value::string(text, span),
                    None => self.partial_template(file, e, t, &span),
                })
            }
            Expression::HeredocTemplate(h) => {
                return Ok(match self.template(file, &h.template, &span)? {
                    Some(text) => Value::string(text, span),
                    None => self.partial_template(file, e, &h.template, &span),
                })
            }
            Expression::Parenthesis(p) => return self.hcl(file, p.inner()),
            Expression::Variable(v) => {
                return Ok(match self.bound(v.as_str()) {
                    Some(value) => value,
                    None => self.unknown_hcl(file, e),
                })
            }
            Expression::Conditional(c) => {
                let cond = self.hcl(file, &c.cond_expr)?;
                return match cond.kind {
                    ValueKind::Bool(true) => self.hcl(file, &c.true_expr),
                    ValueKind::Bool(false) => self.hcl(file, &c.false_expr),
                    ValueKind::Expr(_) => Ok(self.unknown_hcl(file, e)),
                    _ => Err(Fail),
                };
            }
            Expression::FuncCall(call) => return self.call(file, e, call, span),
            Expression::Traversal(t) => return self.traversal(file, e, t),
            Expression::UnaryOp(op) => {
                let value = self.hcl(file, &op.expr)?;
                if value.as_expr().is_some() {
                    return Ok(self.unknown_hcl(file, e));
                }
                match op.operator.value() {
                    UnaryOperator::Not => ValueKind::Bool(!value.as_bool().ok_or(Fail)?),
                    UnaryOperator::Neg => match to_number(&value).ok_or(Fail)? {
                        ValueKind::Int(i) => i
                            .checked_neg()
                            .map_or(ValueKind::Float(-(i as f64)), ValueKind::Int),
                        ValueKind::Float(f) => ValueKind::Float(-f),
                        _ => return Err(Fail),
                    },
                }
            }
            Expression::BinaryOp(op) => {
                let lhs = self.hcl(file, &op.lhs_expr)?;
                let rhs = self.hcl(file, &op.rhs_expr)?;
                if !lhs.is_known() || !rhs.is_known() {
                    return Ok(self.unknown_hcl(file, e));
                }
                binary(*op.operator.value(), &lhs, &rhs)?
            }
            Expression::ForExpr(f) => return self.for_expr(file, e, f, span),
        };
        Ok(Value::new(kind, span))
    }

    fn bound(&self, name: &str) -> Option<Value> {
        self.bound
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// A template with unknown parts: an `Expr` whose text keeps the known parts evaluated.
    fn partial_template(
        &self,
        file: &FileText,
        e: &Expression,
        template: &Template,
        span: &Span,
    ) -> Value {
        let mut value = self.unknown_hcl(file, e);
        if let ValueKind::Expr(expr) = &mut value.kind {
            if let Ok(text) = self.template_text(file, template, span) {
                expr.text = text;
            }
        }
        value
    }

    /// Evaluates a template; `Ok(None)` when some part is unknown.
    fn template(
        &self,
        file: &FileText,
        template: &Template,
        span: &Span,
    ) -> Result<Option<String>, Fail> {
        let mut known = true;
        let text = self.render_template(file, template, span, &mut known)?;
        Ok(known.then_some(text))
    }

    /// The template's text with unknown interpolations written back as `${...}`.
    fn template_text(
        &self,
        file: &FileText,
        template: &Template,
        span: &Span,
    ) -> Result<String, Fail> {
        let mut known = true;
        self.render_template(file, template, span, &mut known)
    }

    fn render_template(
        &self,
        file: &FileText,
        template: &Template,
        span: &Span,
        known: &mut bool,
    ) -> Result<String, Fail> {
        self.render_stripped(file, template, span, known, false)
    }

    /// Renders `template`; `strip_first` trims the white space that starts it (a `~}` just
    /// before it). Strip markers (`${~`, `~}`, `%{~`) trim the adjacent literal text.
    fn render_stripped(
        &self,
        file: &FileText,
        template: &Template,
        span: &Span,
        known: &mut bool,
        strip_first: bool,
    ) -> Result<String, Fail> {
        let mut out = String::new();
        let mut strip_next = strip_first;
        for element in template.iter() {
            match element {
                Element::Literal(literal) => {
                    let text: &str = literal.value();
                    let text = if strip_next { text.trim_start() } else { text };
                    strip_next = false;
                    out.push_str(text);
                }
                Element::Interpolation(interpolation) => {
                    if interpolation.strip.strip_start() {
                        out.truncate(out.trim_end().len());
                    }
                    strip_next = interpolation.strip.strip_end();
                    let value = self.hcl(file, &interpolation.expr)?;
                    match (&value.kind, value.to_display_string()) {
                        (_, Some(s)) => out.push_str(&s),
                        (ValueKind::Expr(_), None) => {
                            *known = false;
                            let source = self.span(file, &interpolation.expr);
                            out.push_str("${");
                            out.push_str(file.slice(source.start.offset, source.end.offset));
                            out.push('}');
                        }
                        _ => return Err(Fail),
                    }
                }
                Element::Directive(directive) => match directive.as_ref() {
                    Directive::If(d) => {
                        if d.if_expr.strip.strip_start() {
                            out.truncate(out.trim_end().len());
                        }
                        let cond = self.hcl(file, &d.if_expr.cond_expr)?;
                        let (branch, strip_start, strip_end) = match cond.kind {
                            ValueKind::Bool(true) => (
                                Some(&d.if_expr.template),
                                d.if_expr.strip.strip_end(),
                                d.else_expr
                                    .as_ref()
                                    .map_or(d.endif_expr.strip.strip_start(), |e| {
                                        e.strip.strip_start()
                                    }),
                            ),
                            ValueKind::Bool(false) => (
                                d.else_expr.as_ref().map(|e| &e.template),
                                d.else_expr.as_ref().is_some_and(|e| e.strip.strip_end()),
                                d.endif_expr.strip.strip_start(),
                            ),
                            ValueKind::Expr(_) => {
                                *known = false;
                                out.push_str("%{if ...}");
                                (None, false, false)
                            }
                            _ => return Err(Fail),
                        };
                        if let Some(branch) = branch {
                            let mut text =
                                self.render_stripped(file, branch, span, known, strip_start)?;
                            if strip_end {
                                text.truncate(text.trim_end().len());
                            }
                            out.push_str(&text);
                        }
                        strip_next = d.endif_expr.strip.strip_end();
                    }
                    Directive::For(d) => {
                        if d.for_expr.strip.strip_start() {
                            out.truncate(out.trim_end().len());
                        }
                        let collection = self.hcl(file, &d.for_expr.collection_expr)?;
                        let Some(items) = iteration_items(&collection) else {
                            *known = false;
                            out.push_str("%{for ...}");
                            continue;
                        };
                        for (key, value) in items {
                            if !self.env.ctx.step(span) {
                                *known = false;
                                break;
                            }
                            let mut scope = self.clone();
                            if let Some(k) = &d.for_expr.key_var {
                                scope = scope.with(k.as_str(), key);
                            }
                            scope = scope.with(d.for_expr.value_var.as_str(), value);
                            let mut text = scope.render_stripped(
                                file,
                                &d.for_expr.template,
                                span,
                                known,
                                d.for_expr.strip.strip_end(),
                            )?;
                            if d.endfor_expr.strip.strip_start() {
                                text.truncate(text.trim_end().len());
                            }
                            out.push_str(&text);
                            if self.env.ctx.too_long(&out, span) {
                                return Err(Fail);
                            }
                        }
                        strip_next = d.endfor_expr.strip.strip_end();
                    }
                },
            }
            if self.env.ctx.too_long(&out, span) {
                return Err(Fail);
            }
        }
        Ok(out)
    }

    fn traversal(
        &self,
        file: &FileText,
        whole: &Expression,
        t: &hcl_edit::expr::Traversal,
    ) -> Eval {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
            _ => None,
        };
        let (mut current, mut next) = match &t.expr {
            Expression::Variable(root) => {
                let name = root.as_str();
                if let Some(value) = self.bound(name) {
                    (value, 0)
                } else {
                    let found = match name {
                        "var" => attr(0).map(|n| self.env.variables.get(n).cloned().ok_or(Fail)),
                        "local" => attr(0).map(|n| {
                            Ok(self
                                .env
                                .local(n)
                                .unwrap_or_else(|| self.unknown_hcl(file, whole)))
                        }),
                        "count" if attr(0) == Some("index") => self.count_index.clone().map(Ok),
                        "each" => match (&self.each, attr(0)) {
                            (Some((key, _)), Some("key")) => Some(Ok(key.clone())),
                            (Some((_, value)), Some("value")) => Some(Ok(value.clone())),
                            _ => None,
                        },
                        "path" => match attr(0) {
                            Some("module") => Some(Ok(Value::string(
                                self.env.path_module.clone(),
                                self.span(file, whole),
                            ))),
                            Some("root" | "cwd") => {
                                Some(Ok(Value::string(".", self.span(file, whole))))
                            }
                            _ => None,
                        },
                        _ => None,
                    };
                    match found {
                        Some(value) => (value?, 1),
                        None => return Ok(self.unknown_hcl(file, whole)),
                    }
                }
            }
            other => (self.hcl(file, other)?, 0),
        };
        while next < ops.len() {
            if current.as_expr().is_some() {
                return Ok(self.unknown_hcl(file, whole));
            }
            match ops.get(next) {
                Some(TraversalOperator::GetAttr(name)) => {
                    current = get_attr(&current, name.as_str())?;
                    next += 1;
                }
                Some(TraversalOperator::Index(index)) => {
                    let key = self.hcl(file, index)?;
                    if key.as_expr().is_some() {
                        return Ok(self.unknown_hcl(file, whole));
                    }
                    current = index_value(&current, &key)?;
                    next += 1;
                }
                Some(TraversalOperator::LegacyIndex(i)) => {
                    let span = current.span.clone();
                    current = index_value(
                        &current,
                        &Value::new(
                            ValueKind::Int(i64::try_from(*i.value()).unwrap_or(i64::MAX)),
                            span,
                        ),
                    )?;
                    next += 1;
                }
                Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) => {
                    let full = matches!(ops.get(next), Some(TraversalOperator::FullSplat(_)));
                    next += 1;
                    let end = ops
                        .iter()
                        .enumerate()
                        .skip(next)
                        .find(|(_, op)| !full && !matches!(op, TraversalOperator::GetAttr(_)))
                        .map_or(ops.len(), |(i, _)| i);
                    let items = match &current.kind {
                        ValueKind::List(items) => items.clone(),
                        ValueKind::Null => Vec::new(),
                        _ => vec![current.clone()],
                    };
                    let mut out = Vec::new();
                    for item in items {
                        let mut value = item;
                        for op in ops.get(next..end).unwrap_or(&[]) {
                            if value.as_expr().is_some() {
                                break;
                            }
                            value = match op {
                                TraversalOperator::GetAttr(name) => {
                                    get_attr(&value, name.as_str())?
                                }
                                TraversalOperator::Index(index) => {
                                    let key = self.hcl(file, index)?;
                                    index_value(&value, &key)?
                                }
                                _ => return Ok(self.unknown_hcl(file, whole)),
                            };
                        }
                        out.push(value);
                    }
                    current = Value::new(ValueKind::List(out), self.span(file, whole));
                    next = end;
                }
                None => break,
            }
        }
        Ok(current)
    }

    fn call(
        &self,
        file: &FileText,
        whole: &Expression,
        call: &hcl_edit::expr::FuncCall,
        span: Span,
    ) -> Eval {
        if call.name.is_namespaced() {
            return Ok(self.unknown_hcl(file, whole));
        }
        let name = call.name.name.as_str();
        let args: Vec<&Expression> = call.args.iter().collect();
        // `try` and `can` look at errors, so their arguments are evaluated one at a time.
        match name {
            "try" => {
                for arg in &args {
                    match self.hcl(file, arg) {
                        Ok(value) if value.is_known() => return Ok(value),
                        Ok(_) => return Ok(self.unknown_hcl(file, whole)),
                        Err(Fail) => continue,
                    }
                }
                return Err(Fail);
            }
            "can" => {
                let Some(arg) = args.first() else {
                    return Err(Fail);
                };
                return Ok(match self.hcl(file, arg) {
                    Ok(value) if value.is_known() => Value::new(ValueKind::Bool(true), span),
                    Ok(_) => self.unknown_hcl(file, whole),
                    Err(Fail) => Value::new(ValueKind::Bool(false), span),
                });
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in &args {
            values.push(self.hcl(file, arg)?);
        }
        if call.args.expand_final() {
            match values.pop().map(|v| v.kind) {
                Some(ValueKind::List(items)) => values.extend(items),
                Some(ValueKind::Expr(_)) => return Ok(self.unknown_hcl(file, whole)),
                _ => return Err(Fail),
            }
        }
        let partial_json = (name == "jsonencode")
            .then(|| values.first().cloned())
            .flatten();
        match functions::call(self, name, values, span)? {
            Some(value) => Ok(value),
            None => {
                let mut value = self.unknown_hcl(file, whole);
                // `jsonencode` of a value with unknown parts: the text is the JSON with each
                // unknown part written as its `${...}` text, so rules can still read it.
                if let (Some(arg), ValueKind::Expr(expr)) = (partial_json, &mut value.kind) {
                    let mut text = String::new();
                    functions::json_encode_partial(&arg, &mut text);
                    expr.text = text;
                }
                Ok(value)
            }
        }
    }

    fn for_expr(
        &self,
        file: &FileText,
        whole: &Expression,
        f: &hcl_edit::expr::ForExpr,
        span: Span,
    ) -> Eval {
        let collection = self.hcl(file, &f.intro.collection_expr)?;
        let Some(items) = iteration_items(&collection) else {
            return Ok(self.unknown_hcl(file, whole));
        };
        let mut list = Vec::new();
        let mut map = Map::new();
        for (key, value) in items {
            if !self.env.ctx.step(&span) {
                return Ok(self.unknown_hcl(file, whole));
            }
            let mut scope = self.clone();
            if let Some(k) = &f.intro.key_var {
                scope = scope.with(k.as_str(), key);
            }
            scope = scope.with(f.intro.value_var.as_str(), value);
            if let Some(cond) = &f.cond {
                match scope.hcl(file, &cond.expr)?.kind {
                    ValueKind::Bool(true) => {}
                    ValueKind::Bool(false) => continue,
                    ValueKind::Expr(_) => return Ok(self.unknown_hcl(file, whole)),
                    _ => return Err(Fail),
                }
            }
            let value = scope.hcl(file, &f.value_expr)?;
            match &f.key_expr {
                Some(key_expr) => {
                    let key = scope.hcl(file, key_expr)?;
                    let Some(name) = key.to_display_string() else {
                        return Ok(self.unknown_hcl(file, whole));
                    };
                    if f.grouping {
                        match map.get_mut(&name) {
                            Some(Value {
                                kind: ValueKind::List(group),
                                ..
                            }) => group.push(value),
                            _ => map.insert(
                                name,
                                key.span.clone(),
                                Value::new(ValueKind::List(vec![value]), key.span),
                            ),
                        }
                    } else {
                        map.insert(name, key.span, value);
                    }
                }
                None => list.push(value),
            }
        }
        let kind = if f.key_expr.is_some() {
            ValueKind::Map(map)
        } else {
            ValueKind::List(list)
        };
        Ok(Value::new(kind, span))
    }
}

/// The (key, value) pairs a `for` iterates over: list index and element, or map key and
/// value. `None` when the collection is unknown or not a collection.
pub(crate) fn iteration_items(collection: &Value) -> Option<Vec<(Value, Value)>> {
    match &collection.kind {
        ValueKind::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        Value::new(ValueKind::Int(i as i64), v.span.clone()),
                        v.clone(),
                    )
                })
                .collect(),
        ),
        ValueKind::Map(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            // Terraform iterates maps in key order.
            entries.sort_by(|a, b| a.key.cmp(&b.key));
            Some(
                entries
                    .into_iter()
                    .map(|e| {
                        (
                            Value::string(e.key.clone(), e.key_span.clone()),
                            e.value.clone(),
                        )
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

fn number(n: &hcl_edit::Number) -> ValueKind {
    if let Some(i) = n.as_i64() {
        ValueKind::Int(i)
    } else {
        ValueKind::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// A number, or a string that reads as one (Terraform converts `"1"` to `1`).
pub(crate) fn to_number(value: &Value) -> Option<ValueKind> {
    match &value.kind {
        ValueKind::Int(i) => Some(ValueKind::Int(*i)),
        ValueKind::Float(f) => Some(ValueKind::Float(*f)),
        ValueKind::String(s) => {
            let s = s.trim();
            s.parse::<i64>().map(ValueKind::Int).ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(ValueKind::Float)
            })
        }
        _ => None,
    }
}

pub(crate) fn as_f64(kind: &ValueKind) -> Option<f64> {
    match kind {
        ValueKind::Int(i) => Some(*i as f64),
        ValueKind::Float(f) => Some(*f),
        _ => None,
    }
}

/// A float that is a whole number becomes an integer, as Terraform prints it.
pub(crate) fn normalize_number(f: f64) -> ValueKind {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        ValueKind::Int(f as i64)
    } else {
        ValueKind::Float(f)
    }
}

fn binary(op: BinaryOperator, lhs: &Value, rhs: &Value) -> Result<ValueKind, Fail> {
    use BinaryOperator as B;
    Ok(match op {
        B::Eq => ValueKind::Bool(lhs.same(rhs)),
        B::NotEq => ValueKind::Bool(!lhs.same(rhs)),
        B::And => ValueKind::Bool(lhs.as_bool().ok_or(Fail)? && rhs.as_bool().ok_or(Fail)?),
        B::Or => ValueKind::Bool(lhs.as_bool().ok_or(Fail)? || rhs.as_bool().ok_or(Fail)?),
        _ => {
            let a = to_number(lhs).ok_or(Fail)?;
            let b = to_number(rhs).ok_or(Fail)?;
            if let (ValueKind::Int(x), ValueKind::Int(y)) = (&a, &b) {
                let (x, y) = (*x, *y);
                let int = match op {
                    B::Plus => x.checked_add(y),
                    B::Minus => x.checked_sub(y),
                    B::Mul => x.checked_mul(y),
                    B::Mod if y != 0 => x.checked_rem(y),
                    _ => None,
                };
                if let Some(i) = int {
                    return Ok(ValueKind::Int(i));
                }
            }
            let x = as_f64(&a).ok_or(Fail)?;
            let y = as_f64(&b).ok_or(Fail)?;
            match op {
                B::Plus => normalize_number(x + y),
                B::Minus => normalize_number(x - y),
                B::Mul => normalize_number(x * y),
                B::Div if y != 0.0 => normalize_number(x / y),
                B::Mod if y != 0.0 => normalize_number(x % y),
                B::Less => ValueKind::Bool(x < y),
                B::LessEq => ValueKind::Bool(x <= y),
                B::Greater => ValueKind::Bool(x > y),
                B::GreaterEq => ValueKind::Bool(x >= y),
                _ => return Err(Fail),
            }
        }
    })
}

fn get_attr(value: &Value, name: &str) -> Eval {
    match &value.kind {
        ValueKind::Map(map) => map.get(name).cloned().ok_or(Fail),
        _ => Err(Fail),
    }
}

fn index_value(value: &Value, key: &Value) -> Eval {
    match &value.kind {
        ValueKind::List(items) => {
            let i = match to_number(key).ok_or(Fail)? {
                ValueKind::Int(i) => i,
                ValueKind::Float(f) if f.fract() == 0.0 => f as i64,
                _ => return Err(Fail),
            };
            usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .ok_or(Fail)
        }
        ValueKind::Map(map) => {
            let name = key.to_display_string().ok_or(Fail)?;
            map.get(&name).cloned().ok_or(Fail)
        }
        _ => Err(Fail),
    }
}
