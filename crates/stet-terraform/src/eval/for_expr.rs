//! `for` expressions as hclsyntax's `ForExpr` evaluates them: the collection iterated in
//! cty's order, the `if` condition checked once with unknown values and then per element,
//! object keys converted to strings (a repeated key an error unless grouping with `...`),
//! and unknowns or sensitive marks met on the way carried to the result.

use super::{Eval, Fail, Scope};
use crate::cty::{convert, Entry, Kind, Type, Val};
use crate::source::FileText;
use stet_graph::Span;

impl<'s, 'a> Scope<'s, 'a> {
    pub(super) fn for_expr(
        &self,
        file: &FileText,
        f: &hcl_edit::expr::ForExpr,
        span: &Span,
    ) -> Eval {
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
