//! `count` and `for_each` as Terraform expands them: `count` a whole, non-negative number
//! (`0` means no instances), `for_each` a map, an object or a set of strings (a list or
//! tuple is an error: Terraform asks for `toset()`), keys in lexical order; unknown values
//! leave the instances unknown.

use crate::cty::{convert, Kind, Type, Val};
use crate::eval::{Fail, Scope};
use crate::syntax::BodyRef;
use crate::Error;
use stet_graph::Value;

/// A block's instances.
pub(crate) enum Instances {
    /// No `count` or `for_each`.
    Single,
    /// `count = n` (maybe 0).
    Counted(usize),
    /// `for_each`: each key, with `each.key` and `each.value`, in key order.
    Keyed(Vec<(String, Val, Val)>),
    /// Not known from the source (or over the instance limit).
    Unknown,
}

/// The instances of the block with `body`, evaluated in `scope`, with the evaluated
/// `count`/`for_each` for the graph's meta; an error when Terraform would reject the
/// `count`/`for_each` value or the instance limit is passed.
pub(crate) fn instances_with_meta(
    scope: &Scope<'_, '_>,
    body: BodyRef<'_>,
    limit: usize,
) -> (
    Instances,
    Option<(String, stet_graph::Span, Value)>,
    Option<Error>,
) {
    if let Some(count) = body.attribute("count") {
        let value = scope.eval_val(count.expr);
        let meta = Some((
            "count".to_string(),
            count.name_span.clone(),
            value.clone().into_graph(),
        ));
        let span = value.span.clone();
        let fail =
            |detail: String| Some(Fail::new(&span, "Invalid count argument", detail).into_error());
        if value.is_null() {
            return (
                Instances::Unknown,
                meta,
                fail("The given \"count\" argument value is null. An integer is required.".into()),
            );
        }
        if !value.is_known() {
            return (Instances::Unknown, meta, None);
        }
        let n = match convert(value, &Type::Number) {
            Ok(n) => n,
            Err(m) => {
                return (
                    Instances::Unknown,
                    meta,
                    fail(format!(
                        "The given \"count\" argument value is unsuitable: {m}."
                    )),
                )
            }
        };
        let Some(n) = n.as_number().and_then(|n| n.to_i64()) else {
            return (Instances::Unknown, meta, fail("The given \"count\" argument value is unsuitable: value must be a whole number.".into()));
        };
        if n < 0 {
            return (Instances::Unknown, meta, fail("The given \"count\" argument value is invalid: must be greater than or equal to zero.".into()));
        }
        let n = n as u64;
        if n > limit as u64 {
            return (
                Instances::Unknown,
                meta,
                Some(Error::TooManyInstances {
                    span,
                    count: n,
                    limit,
                }),
            );
        }
        return (Instances::Counted(n as usize), meta, None);
    }
    if let Some(for_each) = body.attribute("for_each") {
        let value = scope.eval_val(for_each.expr);
        let meta = Some((
            "for_each".to_string(),
            for_each.name_span.clone(),
            value.clone().into_graph(),
        ));
        let span = value.span.clone();
        let fail = |detail: String| {
            Some(Fail::new(&span, "Invalid for_each argument", detail).into_error())
        };
        if value.is_null() {
            return (Instances::Unknown, meta, fail("The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed.".into()));
        }
        if value.contains_sensitive() {
            return (Instances::Unknown, meta, fail("Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If you do, the sensitive value could be exposed as a resource instance key.".into()));
        }
        let ty = value.ty();
        let pairs: Vec<(String, Val, Val)> = match (&value.kind, &ty) {
            (Kind::Unknown(..), _) => return (Instances::Unknown, meta, None),
            (_, Type::Map(_) | Type::Object(_)) => value
                .sorted_entries()
                .unwrap_or_default()
                .into_iter()
                .map(|e| {
                    (
                        e.key.clone(),
                        Val::string(e.key.clone(), e.key_span.clone()),
                        e.value.clone(),
                    )
                })
                .collect(),
            (Kind::Set(..), Type::Set(ety)) => {
                if **ety != Type::String && **ety != Type::Dynamic {
                    return (Instances::Unknown, meta, fail(format!("The given \"for_each\" argument value is unsuitable: \"for_each\" supports maps and sets of strings, but you have provided a set containing type {}.", ety.friendly_name())));
                }
                let mut out = Vec::new();
                for item in value.elements().unwrap_or_default() {
                    match &item.kind {
                        Kind::String(s) => out.push((s.clone(), item.clone(), item.clone())),
                        Kind::Null(_) => return (Instances::Unknown, meta, fail("The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values.".into())),
                        _ => return (Instances::Unknown, meta, None),
                    }
                }
                out
            }
            (_, t) => {
                return (
                    Instances::Unknown,
                    meta,
                    fail(format!("The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.", t.friendly_name())),
                )
            }
        };
        if pairs.len() > limit {
            return (
                Instances::Unknown,
                meta,
                Some(Error::TooManyInstances {
                    span,
                    count: pairs.len() as u64,
                    limit,
                }),
            );
        }
        let mut pairs = pairs;
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        return (Instances::Keyed(pairs), meta, None);
    }
    (Instances::Single, None, None)
}
