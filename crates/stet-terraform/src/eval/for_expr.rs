//! `for` expressions as hclsyntax's `ForExpr` evaluates them: the collection iterated in
//! cty's order, the `if` condition checked once with unknown values and then per element,
//! object keys converted to strings (a repeated key an error unless grouping with `...`),
//! and unknowns or sensitive marks met on the way carried to the result.

use super::{Eval, Fail, Scope};
use crate::cty::{convert, Entry, Kind, Type, Val};
use crate::source::FileText;
use hcl_edit::expr::{ForCond, ForExpr};
use stet_graph::Span;

/// What a `for` expression has produced so far.
struct Collected {
    /// No condition or key was unknown.
    known: bool,
    /// Something sensitive was met.
    marks: bool,
    /// The elements of a tuple result.
    list: Vec<Val>,
    /// The entries of an object result.
    object: Vec<Entry>,
    /// The groups of a grouping object result (`...`): key, key place, values.
    groups: Vec<(String, Span, Vec<Val>)>,
}

impl<'s, 'a> Scope<'s, 'a> {
    pub(super) fn for_expr(&self, file: &FileText, f: &ForExpr, span: &Span) -> Eval {
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
        if let Some(cond) = &f.cond {
            self.probe_for_condition(file, f, cond, span)?;
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
            return Ok(Val::unknown(Type::Dynamic, span.clone()).marked(coll.sensitive));
        }
        let mut out = Collected {
            known: true,
            marks: coll.sensitive,
            list: Vec::new(),
            object: Vec::new(),
            groups: Vec::new(),
        };
        for (k, v) in items {
            if !self.ctx.step(span) {
                return Ok(Val::unknown(Type::Dynamic, span.clone()));
            }
            let scope = self.for_element_scope(f, k, v);
            if let Some(cond) = &f.cond {
                if !scope.for_includes(file, cond, span, &mut out)? {
                    continue;
                }
            }
            match &f.key_expr {
                Some(key_expr) => scope.for_entry(file, f, key_expr, span, &mut out)?,
                None => out.list.push(scope.hcl(file, &f.value_expr)?),
            }
        }
        Ok(out.finish(f, span))
    }

    /// HCL checks the condition once with unknown iteration values first: a condition that
    /// is null or not a bool is an error even when nothing is iterated.
    fn probe_for_condition(
        &self,
        file: &FileText,
        f: &ForExpr,
        cond: &ForCond,
        span: &Span,
    ) -> Result<(), Fail> {
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
        Ok(())
    }

    /// This scope with the iteration variables bound to one element.
    fn for_element_scope(&self, f: &ForExpr, k: Val, v: Val) -> Scope<'s, 'a> {
        let mut scope = self.clone();
        if let Some(kv) = &f.intro.key_var {
            scope = scope.with(kv.as_str(), k);
        }
        scope.with(f.intro.value_var.as_str(), v)
    }

    /// Whether the `if` condition lets this element in (an unknown condition leaves it out
    /// and the result unknown).
    fn for_includes(
        &self,
        file: &FileText,
        cond: &ForCond,
        span: &Span,
        out: &mut Collected,
    ) -> Result<bool, Fail> {
        let include = self.hcl(file, &cond.expr)?;
        if include.is_null() {
            return Err(Fail::new(
                &self.span(file, &cond.expr),
                "Invalid 'for' condition",
                "The value of the 'if' clause must not be null.",
            ));
        }
        out.marks |= include.sensitive;
        if !include.is_known() {
            out.known = false;
            return Ok(false);
        }
        let include = convert(include, &Type::Bool).map_err(|m| {
            Fail::new(
                span,
                "Invalid 'for' condition",
                format!("The 'if' clause value is invalid: {m}."),
            )
        })?;
        Ok(include.as_bool() != Some(false))
    }

    /// One element's entry of an object result: its key converted to a string, its value
    /// added to the key's group when grouping (a repeated key is an error otherwise).
    fn for_entry(
        &self,
        file: &FileText,
        f: &ForExpr,
        key_expr: &hcl_edit::expr::Expression,
        span: &Span,
        out: &mut Collected,
    ) -> Result<(), Fail> {
        let key = self.hcl(file, key_expr)?;
        if key.is_null() {
            return Err(Fail::new(
                &self.span(file, key_expr),
                "Invalid object key",
                "Key expression in 'for' expression must not produce a null value.",
            ));
        }
        out.marks |= key.sensitive;
        if !key.is_known() {
            out.known = false;
            return Ok(());
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
        let value = self.hcl(file, &f.value_expr)?;
        if f.grouping {
            match out.groups.iter_mut().find(|g| g.0 == name) {
                Some(g) => g.2.push(value),
                None => out.groups.push((name, key_span, vec![value])),
            }
        } else if out.object.iter().any(|e| e.key == name) {
            return Err(Fail::new(
                span,
                "Duplicate object key",
                format!("Two different items produced the key {name:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."),
            ));
        } else {
            out.object.push(Entry {
                key: name,
                key_span,
                value,
            });
        }
        Ok(())
    }
}

impl Collected {
    /// The result: a tuple, an object or an object of groups; unknown when a condition or
    /// key was.
    fn finish(self, f: &ForExpr, span: &Span) -> Val {
        if !self.known {
            return Val::unknown(Type::Dynamic, span.clone()).marked(self.marks);
        }
        let out = match &f.key_expr {
            Some(_) if f.grouping => Val::object(
                self.groups
                    .into_iter()
                    .map(|(key, key_span, values)| Entry {
                        key,
                        key_span,
                        value: Val::tuple(values, span.clone()),
                    })
                    .collect(),
                span.clone(),
            ),
            Some(_) => Val::object(self.object, span.clone()),
            None => Val::tuple(self.list, span.clone()),
        };
        out.marked(self.marks)
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
