//! HCL's operators (`hclsyntax` operations over cty's stdlib functions), attribute access
//! and indexing (`hcl.GetAttr`, `hcl.Index`), with Terraform's error wording.

use super::{Eval, Fail};
use crate::cty::{convert, Kind, Number, Type, Val};
use hcl_edit::expr::BinaryOperator;
use stet_graph::Span;

/// `!x`.
pub(crate) fn not(value: Val, span: &Span) -> Eval {
    let v = operand(value, &Type::Bool, span, "")?;
    let sensitive = v.sensitive;
    Ok(match v.as_bool() {
        Some(b) => Val::bool(!b, span.clone()),
        None if v.is_null() => return Err(null_argument(span)),
        None => Val::unknown(Type::Bool, span.clone()),
    }
    .marked(sensitive))
}

/// `-x`.
pub(crate) fn negate(value: Val, span: &Span) -> Eval {
    let v = operand(value, &Type::Number, span, "")?;
    let sensitive = v.sensitive;
    Ok(match v.as_number() {
        Some(n) => Val::number(n.neg(), span.clone()),
        None if v.is_null() => return Err(null_argument(span)),
        None => Val::unknown(Type::Number, span.clone()),
    }
    .marked(sensitive))
}

/// A binary operation.
pub(crate) fn binary(op: BinaryOperator, lhs: Val, rhs: Val, span: &Span) -> Eval {
    use BinaryOperator as B;
    match op {
        B::Eq | B::NotEq => {
            let sensitive = lhs.contains_sensitive() || rhs.contains_sensitive();
            let lhs = lhs.unmark_deep();
            let rhs = rhs.unmark_deep();
            let out = match lhs.equals(&rhs) {
                Some(eq) => Val::bool(eq == (op == B::Eq), span.clone()),
                None => Val::unknown(Type::Bool, span.clone()),
            };
            Ok(out.marked(sensitive))
        }
        B::And | B::Or => {
            let a = operand(lhs, &Type::Bool, span, "left ")?;
            let b = operand(rhs, &Type::Bool, span, "right ")?;
            let sensitive = a.sensitive || b.sensitive;
            if a.is_null() || b.is_null() {
                return Err(null_argument(span));
            }
            let out = match (a.as_bool(), b.as_bool()) {
                (Some(x), Some(y)) => {
                    Val::bool(if op == B::And { x && y } else { x || y }, span.clone())
                }
                _ => Val::unknown(Type::Bool, span.clone()),
            };
            Ok(out.marked(sensitive))
        }
        _ => {
            let a = operand(lhs, &Type::Number, span, "left ")?;
            let b = operand(rhs, &Type::Number, span, "right ")?;
            let sensitive = a.sensitive || b.sensitive;
            let comparison = matches!(op, B::Less | B::LessEq | B::Greater | B::GreaterEq);
            if a.is_null() || b.is_null() {
                return Err(null_argument(span));
            }
            let (Some(x), Some(y)) = (a.as_number(), b.as_number()) else {
                let ty = if comparison { Type::Bool } else { Type::Number };
                return Ok(Val::unknown(ty, span.clone()).marked(sensitive));
            };
            let failed = |detail: &str| {
                Fail::new(
                    span,
                    "Operation failed",
                    format!("Error during operation: {detail}."),
                )
            };
            let out = match op {
                B::Plus => x
                    .add(y)
                    .ok_or_else(|| failed("can't compute sum of opposing infinities"))?,
                B::Minus => x
                    .sub(y)
                    .ok_or_else(|| failed("can't subtract infinity from itself"))?,
                B::Mul => x
                    .mul(y)
                    .ok_or_else(|| failed("can't multiply zero by infinity"))?,
                B::Div => x
                    .div(y)
                    .ok_or_else(|| failed("can't divide zero by zero or infinity by infinity"))?,
                B::Mod => x
                    .rem(y)
                    .ok_or_else(|| failed("can't use modulo with zero and infinity"))?,
                B::Less => return Ok(cmp_result(x.cmp(y).is_lt(), span, sensitive)),
                B::LessEq => return Ok(cmp_result(x.cmp(y).is_le(), span, sensitive)),
                B::Greater => return Ok(cmp_result(x.cmp(y).is_gt(), span, sensitive)),
                B::GreaterEq => return Ok(cmp_result(x.cmp(y).is_ge(), span, sensitive)),
                _ => return Err(failed("unsupported operator")),
            };
            if out.is_inf() {
                // Terraform computes it, then cannot store it (no JSON for infinity).
                return Ok(Val::unknown(Type::Number, span.clone()).marked(sensitive));
            }
            Ok(Val::number(out, span.clone()).marked(sensitive))
        }
    }
}

fn cmp_result(b: bool, span: &Span, sensitive: bool) -> Val {
    Val::bool(b, span.clone()).marked(sensitive)
}

/// An operand converted to the operator's parameter type (hclsyntax `BinaryOpExpr`).
fn operand(value: Val, want: &Type, span: &Span, side: &str) -> Eval {
    convert(value, want).map_err(|m| {
        Fail::new(
            span,
            "Invalid operand",
            if side.is_empty() {
                format!("Unsuitable value for unary operand: {m}.")
            } else {
                format!("Unsuitable value for {}operand: {m}.", side)
            },
        )
    })
}

fn null_argument(span: &Span) -> Fail {
    Fail::new(
        span,
        "Operation failed",
        "Error during operation: argument must not be null.",
    )
}

/// `obj.name` (`hcl.GetAttr`).
pub(crate) fn get_attr(obj: Val, name: &str, span: &Span) -> Eval {
    if obj.is_null() {
        return Err(Fail::new(
            span,
            "Attempt to get attribute from null value",
            "This value is null, so it does not have any attributes.",
        ));
    }
    let sensitive = obj.sensitive;
    let ty = obj.ty();
    let unsupported = |detail: String| Fail::new(span, "Unsupported attribute", detail);
    let out = match &ty {
        Type::Object(o) => {
            let Some(aty) = o.attrs.get(name) else {
                return Err(unsupported(format!(
                    "This object does not have an attribute named {name:?}."
                )));
            };
            if !obj.is_known() {
                return Ok(Val::unknown(aty.clone(), span.clone()).marked(sensitive));
            }
            obj.get(name).cloned().unwrap_or_else(|| Val::null(aty.clone(), span.clone()))
        }
        Type::Map(ety) => {
            if !obj.is_known() {
                return Ok(Val::unknown((**ety).clone(), span.clone()).marked(sensitive));
            }
            match obj.get(name) {
                Some(v) => v.clone(),
                None => {
                    return Err(Fail::new(
                        span,
                        "Missing map element",
                        format!("This map does not have an element with the key {name:?}."),
                    ))
                }
            }
        }
        Type::Dynamic => Val::unknown(Type::Dynamic, span.clone()),
        Type::List(e) if matches!(**e, Type::Object(_)) => {
            return Err(unsupported(format!(
                "Can't access attributes on a list of objects. Did you mean to access attribute {name:?} for a specific element of the list, or across all elements of the list?"
            )))
        }
        Type::Set(e) if matches!(**e, Type::Object(_)) => {
            return Err(unsupported(
                "Can't access attributes on a set of objects. Did you mean to access an attribute across all elements of the set?".into(),
            ))
        }
        t if t.is_primitive() => {
            return Err(unsupported(format!(
                "Can't access attributes on a primitive-typed value ({}).",
                t.friendly_name()
            )))
        }
        _ => return Err(unsupported("This value does not have any attributes.".into())),
    };
    Ok(out.marked(sensitive))
}

/// `collection[key]` (`hcl.Index`).
pub(crate) fn index(collection: Val, key: Val, span: &Span) -> Eval {
    let invalid = |detail: &str| Fail::new(span, "Invalid index", detail);
    if collection.is_null() {
        return Err(Fail::new(
            span,
            "Attempt to index null value",
            "This value is null, so it does not have any indices.",
        ));
    }
    if key.is_null() {
        return Err(invalid("Can't use a null value as an indexing key."));
    }
    let sensitive = collection.sensitive || key.sensitive;
    let ty = collection.ty();
    if key.ty() == Type::Dynamic || ty == Type::Dynamic {
        return Ok(Val::unknown(Type::Dynamic, span.clone()).marked(collection.sensitive));
    }
    let key_error = |m: String| {
        invalid(&format!(
            "The given key does not identify an element in this collection value: {m}."
        ))
    };
    match &ty {
        Type::List(_) | Type::Tuple(_) => {
            let key = convert(key, &Type::Number).map_err(key_error)?;
            let (Some(n), true) = (key.as_number().cloned(), collection.is_known()) else {
                return Ok(match &ty {
                    Type::List(e) => Val::unknown((**e).clone(), span.clone()),
                    _ => Val::unknown(Type::Dynamic, span.clone()),
                }
                .marked(sensitive));
            };
            let items = collection.elements().unwrap_or_default();
            let found = n.to_i64().and_then(|i| usize::try_from(i).ok()).and_then(|i| items.get(i));
            match found {
                Some(v) => Ok(v.clone().marked(sensitive)),
                None => Err(index_miss(&n, items.len(), span)),
            }
        }
        Type::Map(ety) => {
            let key = convert(key, &Type::String).map_err(key_error)?;
            let (Some(k), true) = (key.as_str(), collection.is_known()) else {
                return Ok(Val::unknown((**ety).clone(), span.clone()).marked(sensitive));
            };
            match collection.get(k) {
                Some(v) => Ok(v.clone().marked(sensitive)),
                None => Err(invalid(
                    "The given key does not identify an element in this collection value.",
                )),
            }
        }
        Type::Object(o) => {
            let was_number = key.ty() == Type::Number;
            let key = convert(key, &Type::String).map_err(key_error)?;
            if !collection.is_known() || !key.is_known() {
                return Ok(Val::unknown(Type::Dynamic, span.clone()).marked(collection.sensitive));
            }
            let name = key.as_str().unwrap_or_default();
            if !o.attrs.contains_key(name) {
                return Err(invalid(&format!(
                    "The given key does not identify an element in this collection value.{}",
                    if was_number {
                        " An object only supports looking up attributes by name, not by numeric index."
                    } else {
                        ""
                    }
                )));
            }
            Ok(collection
                .get(name)
                .cloned()
                .unwrap_or_else(|| Val::null(Type::Dynamic, span.clone()))
                .marked(sensitive))
        }
        Type::Set(_) => Err(invalid("Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.")),
        _ => Err(invalid("This value does not have any indices.")),
    }
}

fn index_miss(n: &Number, len: usize, span: &Span) -> Fail {
    let detail = if !n.is_int() {
        "The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index has a fractional part."
    } else if n.is_negative() {
        "The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence."
    } else if len == 0 {
        "The given key does not identify an element in this collection value: the collection has no elements."
    } else {
        "The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection."
    };
    Fail::new(span, "Invalid index", detail)
}

#[allow(dead_code)]
fn _kind_used(k: &Kind) -> bool {
    matches!(k, Kind::Null(_))
}
