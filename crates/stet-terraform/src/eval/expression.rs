//! One expression by its kind: literals, tuples and objects (keys evaluated and converted
//! to strings, the last of a repeated key kept), templates, parentheses, operators, and the
//! kinds that have a file of their own (references, conditionals, calls, `for`); and a
//! JSON-syntax value, whose strings are templates.

use super::{ops, Eval, Fail, Scope};
use crate::cty::{convert, Entry, Kind, Number, Type, Val};
use crate::source::FileText;
use crate::syntax::ExprRef;
use hcl_edit::expr::{
    BinaryOp, Expression, Object, ObjectKey, TraversalOperator, UnaryOp, UnaryOperator,
};
use hcl_edit::Span as _;
use std::rc::Rc;
use stet_graph::{Span, Value};

impl<'s, 'a> Scope<'s, 'a> {
    /// A JSON-syntax value: strings are templates, the rest is taken as it is.
    pub(super) fn json(&self, file: &FileText, v: &Value) -> Eval {
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
        match e {
            Expression::Null(_) => Ok(Val::null(Type::Dynamic, span)),
            Expression::Bool(b) => Ok(Val::bool(*b.value(), span)),
            Expression::Number(n) => Ok(number(file, n.value().as_f64(), span)),
            Expression::String(s) => Ok(Val::string(s.value().to_string(), span)),
            Expression::Array(items) => Ok(Val::tuple(
                items
                    .iter()
                    .map(|i| self.hcl(file, i))
                    .collect::<Result<_, _>>()?,
                span,
            )),
            Expression::Object(object) => self.object(file, e, object, span),
            Expression::StringTemplate(t) => {
                let out = self.template(file, t, &span, false, true)?;
                Ok(self.named_template(file, e, t, out, &span))
            }
            Expression::HeredocTemplate(h) => {
                let out = self.template(file, &h.template, &span, true, false)?;
                Ok(self.named_template(file, e, &h.template, out, &span))
            }
            Expression::Parenthesis(p) => self.hcl(file, p.inner()),
            Expression::Variable(v) => match self.bound(v.as_str()) {
                Some(value) => Ok(value),
                None => self.traversal(file, e, e, &[]),
            },
            Expression::Conditional(c) => self.conditional(file, e, c, &span),
            Expression::FuncCall(call) => self
                .call(file, e, call, &span)
                .map(|out| self.named(file, e, out)),
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                self.traversal(file, e, &t.expr, &ops)
            }
            Expression::UnaryOp(op) => self
                .unary(file, op, &span)
                .map(|out| self.named(file, e, out)),
            Expression::BinaryOp(op) => self
                .binary(file, op, &span)
                .map(|out| self.named(file, e, out)),
            Expression::ForExpr(f) => self
                .for_expr(file, f, &span)
                .map(|out| self.named(file, e, out)),
        }
    }

    /// An object constructor: keys that are expressions evaluated and converted to strings
    /// (an unknown key makes the whole object unknown), the last of a repeated key kept.
    fn object(&self, file: &FileText, e: &Expression, object: &Object, span: Span) -> Eval {
        let mut entries: Vec<Entry> = Vec::new();
        let mut unknown_key = false;
        for (key, value) in object.iter() {
            let Some((name, key_span)) = self.object_key(file, key, &span)? else {
                unknown_key = true;
                continue;
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
        Ok(Val::object(entries, span))
    }

    /// An object key and its place; `None` when it is an expression whose value is unknown.
    fn object_key(
        &self,
        file: &FileText,
        key: &ObjectKey,
        span: &Span,
    ) -> Result<Option<(String, Span)>, Fail> {
        let k = match key {
            ObjectKey::Ident(ident) => {
                return Ok(Some((
                    ident.as_str().to_string(),
                    file.span_of(ident.span(), span),
                )))
            }
            ObjectKey::Expression(k) => k,
        };
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
            return Ok(None);
        }
        match convert(key_value, &Type::String) {
            Ok(v) => Ok(Some((v.as_str().unwrap_or_default().to_string(), key_span))),
            Err(m) => Err(Fail::new(
                &key_span,
                "Incorrect key type",
                format!("Can't use this value as a key: {m}."),
            )),
        }
    }

    /// `!x` and `-x`.
    fn unary(&self, file: &FileText, op: &UnaryOp, span: &Span) -> Eval {
        let value = self.hcl(file, &op.expr)?;
        match op.operator.value() {
            UnaryOperator::Not => ops::not(value, span),
            UnaryOperator::Neg => ops::negate(value, span),
        }
    }

    /// `a op b`: both operands evaluated, then the operator applied.
    fn binary(&self, file: &FileText, op: &BinaryOp, span: &Span) -> Eval {
        let lhs = self.hcl(file, &op.lhs_expr)?;
        let rhs = self.hcl(file, &op.rhs_expr)?;
        ops::binary(*op.operator.value(), lhs, rhs, span)
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
}

/// A number literal, read from its text with cty's precision (hcl-edit's `f64` only when
/// the text does not parse).
fn number(file: &FileText, written: Option<f64>, span: Span) -> Val {
    let text = file.slice(span.start.offset, span.end.offset);
    match Number::parse(text.trim()) {
        Some(n) => Val::number(n, span),
        None => Val::number(
            Number::from_f64(written.unwrap_or(0.0)).unwrap_or_else(|| Number::from_i64(0)),
            span,
        ),
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
