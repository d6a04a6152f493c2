//! `cond ? a : b` as hclsyntax's `ConditionalExpr` evaluates it: both results evaluated for
//! their types and unified, errors counted only in the branch taken, an unknown condition
//! giving an unknown of the unified type.

use super::{Eval, Fail, Scope};
use crate::cty::{convert, unify, Kind, Type, Val};
use crate::source::FileText;
use hcl_edit::expr::Expression;
use stet_graph::Span;

/// The type both results are converted to, and whether unifying them makes the result
/// unknown (cty's `UnifyUnsafe` cannot say which type a value would get).
struct ResultType {
    ty: Type,
    makes_unknown: bool,
}

impl<'s, 'a> Scope<'s, 'a> {
    pub(super) fn conditional(
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
        let result = result_type(&t, &f, span)?;
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
            return Ok(self
                .unknown_condition(file, whole, &t, &f, result.ty, span)
                .marked(marks));
        }
        let cond = convert(cond, &Type::Bool).map_err(|_| {
            Fail::new(
                span,
                "Incorrect condition type",
                "The condition expression must be of type bool.",
            )
        })?;
        let chosen = if cond.as_bool() == Some(true) { t? } else { f? };
        if result.makes_unknown {
            return Ok(self.unknown_hcl(file, whole, Type::Dynamic).marked(marks));
        }
        Ok(converted_result(chosen, &result.ty, span)?.marked(marks))
    }

    /// The value of a conditional whose condition is unknown: null when both results are,
    /// else unknown, of the result type.
    fn unknown_condition(
        &self,
        file: &FileText,
        whole: &Expression,
        t: &Eval,
        f: &Eval,
        ty: Type,
        span: &Span,
    ) -> Val {
        if let (Ok(tv), Ok(fv)) = (t, f) {
            if tv.is_null() && fv.is_null() {
                return Val::null(ty, span.clone());
            }
        }
        self.unknown_hcl(file, whole, ty)
    }
}

/// The result type of a conditional with results `t` and `f` (a result that failed counts
/// as dynamic, an untyped null takes the other's type); an error when they do not unify.
fn result_type(t: &Eval, f: &Eval, span: &Span) -> Result<ResultType, Fail> {
    let ty_of = |r: &Eval| match r {
        Ok(v) => v.ty(),
        Err(_) => Type::Dynamic,
    };
    let is_dyn_null = |r: &Eval| matches!(r, Ok(v) if matches!(v.kind, Kind::Null(Type::Dynamic)));
    let (tt, ft) = (ty_of(t), ty_of(f));
    let ty = if is_dyn_null(t) {
        Some(ft.clone())
    } else if is_dyn_null(f) {
        Some(tt.clone())
    } else if tt == Type::Dynamic || ft == Type::Dynamic {
        Some(Type::Dynamic)
    } else {
        unify(&[tt.clone(), ft.clone()], true)
    };
    let makes_unknown = !is_dyn_null(t)
        && !is_dyn_null(f)
        && tt != Type::Dynamic
        && ft != Type::Dynamic
        && crate::cty::unify_makes_unknown(&[tt.clone(), ft.clone()]);
    match ty {
        Some(ty) => Ok(ResultType { ty, makes_unknown }),
        None => Err(Fail::new(
            span,
            "Inconsistent conditional result types",
            format!(
                "The true and false result expressions must have consistent types. The '{}' value is {}, but the '{}' value is {}.",
                "true", tt.friendly_name(), "false", ft.friendly_name()
            ),
        )),
    }
}

/// The chosen result converted to the result type, its own sensitive mark dropped (the
/// caller marks the result as a whole).
fn converted_result(mut chosen: Val, ty: &Type, span: &Span) -> Eval {
    chosen.sensitive = false;
    if chosen.ty() == *ty || *ty == Type::Dynamic {
        return Ok(chosen);
    }
    convert(chosen, ty).map_err(|m| {
        Fail::new(
            span,
            "Inconsistent conditional result types",
            format!("The result value has the wrong type: {m}."),
        )
    })
}
