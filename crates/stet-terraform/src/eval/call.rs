//! Function calls: provider-defined functions (unknown), the checks Terraform makes on
//! template functions, `try` and `can` (which look at errors, so evaluate their arguments
//! one at a time), expanding arguments (`f(xs...)`), then the function table
//! ([`crate::functions`]).

use super::{Eval, Fail, Scope};
use crate::cty::{Kind, Type, Val};
use crate::source::FileText;
use hcl_edit::expr::Expression;
use std::rc::Rc;
use stet_graph::Span;

impl<'s, 'a> Scope<'s, 'a> {
    pub(super) fn call(
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
        self.check_template_call(name, &args, span)?;
        // `try` and `can` look at errors, so their arguments are evaluated one at a time.
        match name {
            "try" => return self.call_try(file, whole, &args, span),
            "can" => return self.call_can(file, &args, span),
            _ => {}
        }
        let Some(values) = self.arguments(file, &args, call.args.expand_final(), span)? else {
            return Ok(self.unknown_hcl(file, whole, Type::Dynamic));
        };
        if let Some(sole) = sole_unknown_coalesce(name, &values) {
            return Ok(sole);
        }
        let out = crate::functions::call(self, name, values, span)?;
        if let (Kind::Unknown(_, None), "jsonencode") = (&out.kind, name) {
            return Ok(self.partly_unknown_json(file, whole, &args, out));
        }
        Ok(out)
    }

    /// What Terraform refuses in a call inside a template a template function renders
    /// (`templatefile`, `templatestring`), and a `templatestring` of anything but a
    /// reference.
    fn check_template_call(
        &self,
        name: &str,
        args: &[&Expression],
        span: &Span,
    ) -> Result<(), Fail> {
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
        Ok(())
    }

    /// `can(expr)`: whether `expr` evaluates without error (unknown while it is unknown);
    /// Terraform's static checks are not caught.
    fn call_can(&self, file: &FileText, args: &[&Expression], span: &Span) -> Eval {
        let [arg] = args else {
            return Err(arity(span, "can", 1, args.len()));
        };
        Ok(match self.hcl(file, arg) {
            Ok(v) if v.is_wholly_known() => Val::bool(true, span.clone()),
            Ok(_) => Val::unknown(Type::Bool, span.clone()),
            Err(f) if f.static_check => return Err(f),
            Err(_) => Val::bool(false, span.clone()),
        })
    }

    /// The arguments' values, the last one's elements in its place when it is expanded
    /// (`f(xs...)`); `None` when the expanded argument is unknown (so is the call).
    fn arguments(
        &self,
        file: &FileText,
        args: &[&Expression],
        expand_final: bool,
        span: &Span,
    ) -> Result<Option<Vec<Val>>, Fail> {
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.hcl(file, arg)?);
        }
        if !expand_final {
            return Ok(Some(values));
        }
        match values.pop() {
            Some(last) if last.is_null() => Err(Fail::new(
                span,
                "Invalid expanding argument value",
                "The expanding argument (indicated by ...) must not be null.",
            )),
            Some(last) if !last.is_known() => Ok(None),
            Some(last) => match last.elements() {
                Some(items) => {
                    values.extend(items.iter().cloned());
                    Ok(Some(values))
                }
                None => Err(Fail::new(
                    span,
                    "Invalid expanding argument value",
                    "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
                )),
            },
            None => Ok(Some(values)),
        }
    }

    /// `jsonencode` of a value with unknown parts: the text is the JSON with each unknown
    /// part written as its `${...}` text, so rules can still read it.
    fn partly_unknown_json(
        &self,
        file: &FileText,
        whole: &Expression,
        args: &[&Expression],
        out: Val,
    ) -> Val {
        let Ok(arg) = self.hcl(file, args.first().copied().unwrap_or(whole)) else {
            return out;
        };
        let mut info = (*self.expr_info(file, whole)).clone();
        info.text = crate::functions::json_encode_partial(&arg);
        let val = Val::new(Kind::Unknown(Type::String, Some(Rc::new(info))), out.span);
        val.encoding_of(&arg)
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
