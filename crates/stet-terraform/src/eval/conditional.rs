//! `cond ? a : b` as hclsyntax's `ConditionalExpr` evaluates it: both results evaluated for
//! their types and unified, errors counted only in the branch taken, an unknown condition
//! giving an unknown of the unified type.

use super::{Eval, Fail, Scope};
use crate::cty::{convert, unify, Kind, Type, Val};
use crate::source::FileText;
use hcl_edit::expr::Expression;
use stet_graph::Span;

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
}
