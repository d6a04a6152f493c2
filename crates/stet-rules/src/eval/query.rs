//! Running a query over a value, as cfn-guard 3.2.1 does: a query's parts applied left to
//! right, each turning every value reached into zero or more values or an unresolved result
//! (a missing key, an index out of range, a `*` on an empty list); a missing key tried
//! again in other spellings (camelCase, PascalCase, snake_case, …) with the spelling that
//! matched kept for the rest of the query; filters evaluated as gates on each value;
//! `[ name | … ]` and `[name]` capturing the keys they pass into `%name`. Where a variable
//! gets its values is `variables`'.

use super::{Evaluator, Fault, Role, Scope, R};
use crate::ast::*;
use crate::case::Converter;
use crate::value::*;
use crate::Status;

impl<'a> Evaluator<'a> {
    /// Runs `parts` from the scope's root (cfn-guard's `EvalContext::query`).
    pub(super) fn query(
        &self,
        parts: &'a [QueryPart],
        scope: &Scope<'a, '_>,
    ) -> R<Vec<QueryResult<'a>>> {
        if parts.len() > super::MAX_QUERY_PARTS {
            return Err(Fault::Error(
                format!(
                    "a query of {} parts (more than {})",
                    parts.len(),
                    super::MAX_QUERY_PARTS
                ),
                None,
            ));
        }
        match scope {
            Scope::Root => self.retrieve(0, parts, self.root_of(scope), scope, None),
            Scope::Block { root, .. } => self.retrieve(0, parts, root.clone(), scope, None),
            // A value scope runs its queries from its value, resolving through its parent.
            Scope::Value { root, parent } => self.retrieve(0, parts, root.clone(), parent, None),
            Scope::Params { parent, .. } => self.query(parts, parent),
        }
    }

    /// Applies `parts[index..]` to `current` (cfn-guard's `query_retrieval_with_converter`).
    pub(super) fn retrieve(
        &self,
        index: usize,
        parts: &'a [QueryPart],
        current: Node<'a>,
        scope: &Scope<'a, '_>,
        converter: Option<Converter>,
    ) -> R<Vec<QueryResult<'a>>> {
        self.step()?;
        let Some(part) = parts.get(index) else {
            return Ok(vec![QueryResult::Resolved(current)]);
        };
        if index == 0 {
            if let Some(name) = part.variable() {
                return self.starting_at_variable(name, parts, scope, converter);
            }
        }
        let at = Step {
            index,
            parts,
            scope,
            converter,
        };
        match part {
            QueryPart::This => self.retrieve(index + 1, parts, current, scope, converter),
            QueryPart::Key(key) => match key.parse::<i64>() {
                Ok(i) => self.element(&at, i, current),
                Err(_) => self.key(&at, part, key, current),
            },
            QueryPart::Index(i) => self.element(&at, *i, current),
            QueryPart::AllIndices(name) => self.all_indices(&at, name.as_deref(), current),
            QueryPart::AllValues(name) => self.all_values(&at, name.as_deref(), current),
            QueryPart::Filter(name, conjunctions) => self.filter(
                index,
                parts,
                current,
                name.as_deref(),
                conjunctions,
                scope,
                converter,
            ),
            QueryPart::KeyFilter(_, filter) => self.key_filter(&at, filter, current),
        }
    }

    /// Element `i` of a list (a negative index counts from the end), then the rest of the
    /// query from it.
    fn element(&self, at: &Step<'a, '_, '_>, i: i64, current: Node<'a>) -> R<Vec<QueryResult<'a>>> {
        match current.elements() {
            Some(items) => match index_offset(i, items.len()).and_then(|o| items.get(o)) {
                Some(item) => at.next(self, item.clone()),
                None => unresolved(current, format!("index {i} is out of range")),
            },
            None => {
                let reason = format!("index {i} on a {} that is not a list", current.type_name());
                unresolved(current, reason)
            }
        }
    }

    /// Key `key` of a map (`part`, a `%name` naming keys, or in another spelling), then the
    /// rest of the query from its value.
    fn key(
        &self,
        at: &Step<'a, '_, '_>,
        part: &QueryPart,
        key: &str,
        current: Node<'a>,
    ) -> R<Vec<QueryResult<'a>>> {
        if !current.is_map() {
            let reason = format!("key `{key}` on a {} that is not a map", current.type_name());
            return unresolved(current, reason);
        }
        if let Some(name) = part.variable() {
            return self.keys_from_variable(
                at.index,
                name,
                at.parts,
                current,
                at.scope,
                at.converter,
            );
        }
        if let Some(child) = current.get(key) {
            return at.next(self, child);
        }
        match at.converter {
            Some(convert) => {
                if let Some(child) = current.get(&convert(key)) {
                    return at.converted(convert).next(self, child);
                }
            }
            None => {
                for convert in crate::case::CONVERTERS {
                    if let Some(child) = current.get(&convert(key)) {
                        return at.converted(*convert).next(self, child);
                    }
                }
            }
        }
        unresolved(current, format!("no key `{key}`"))
    }

    /// `[*]` (or `[*name]`, capturing a map's keys): each element of a list; a map or any
    /// other value passes as it is.
    fn all_indices(
        &self,
        at: &Step<'a, '_, '_>,
        name: Option<&'a str>,
        current: Node<'a>,
    ) -> R<Vec<QueryResult<'a>>> {
        if let Some(items) = current.elements() {
            return self.each(at.index, at.parts, &current, items, at.scope, at.converter);
        }
        match (current.entries(), name) {
            (Some(entries), Some(name)) => self.each_entry(
                at.index,
                at.parts,
                &current,
                entries,
                at.scope,
                at.converter,
                |e, key, _| {
                    e.capture(name, key);
                    Ok(true)
                },
            ),
            _ => at.next(self, current),
        }
    }

    /// `.*` (or `[ name ]`, capturing the keys): each element of a list or each value of a
    /// map; any other value passes as it is.
    fn all_values(
        &self,
        at: &Step<'a, '_, '_>,
        name: Option<&'a str>,
        current: Node<'a>,
    ) -> R<Vec<QueryResult<'a>>> {
        if let Some(items) = current.elements() {
            return self.each(at.index, at.parts, &current, items, at.scope, at.converter);
        }
        match current.entries() {
            Some(entries) => self.each_entry(
                at.index,
                at.parts,
                &current,
                entries,
                at.scope,
                at.converter,
                |e, key, _| {
                    if let Some(name) = name {
                        e.capture(name, key);
                    }
                    Ok(true)
                },
            ),
            None => at.next(self, current),
        }
    }

    /// `[ keys op value ]`: the values of a map's entries whose keys pass.
    fn key_filter(
        &self,
        at: &Step<'a, '_, '_>,
        filter: &'a KeyFilter,
        current: Node<'a>,
    ) -> R<Vec<QueryResult<'a>>> {
        let Some(entries) = current.entries() else {
            let reason = format!(
                "`keys` filter on a {} that is not a map",
                current.type_name()
            );
            return unresolved(current, reason);
        };
        let rhs = match filter.value.as_ref() {
            LetValue::Query(q) => {
                self.retrieve(0, &q.parts, current.clone(), at.scope, at.converter)?
            }
            LetValue::Literal(l) => vec![QueryResult::Literal(Node::Lit(l))],
            LetValue::Function(f) => self.function(f, at.scope)?,
        };
        let op = match filter.op {
            KeyOp::Eq if rhs.len() > 1 => KeyOp::In,
            KeyOp::NotEq if rhs.len() > 1 => KeyOp::NotIn,
            op => op,
        };
        let mut out = Vec::new();
        for (key, value) in entries {
            if key_passes(&key, &rhs, op) {
                out.extend(at.next(self, value)?);
            }
        }
        Ok(out)
    }

    /// A query that starts with `%name`: the rest of it from each of the variable's values.
    fn starting_at_variable(
        &self,
        name: &str,
        parts: &'a [QueryPart],
        scope: &Scope<'a, '_>,
        converter: Option<Converter>,
    ) -> R<Vec<QueryResult<'a>>> {
        let values = self.variable(name, scope)?;
        let next = match parts.get(1) {
            Some(QueryPart::AllIndices(_)) => 2,
            _ => 1,
        };
        let mut out = Vec::with_capacity(values.len());
        for value in values {
            match &value {
                QueryResult::Resolved(node) | QueryResult::Literal(node) if next < parts.len() => {
                    let value_scope = Scope::Value {
                        root: node.clone(),
                        parent: scope,
                    };
                    out.extend(self.retrieve(
                        next,
                        parts,
                        node.clone(),
                        &value_scope,
                        converter,
                    )?);
                }
                _ => out.push(value),
            }
        }
        Ok(out)
    }

    /// `.%name` on a map: the values under the keys `%name` holds.
    fn keys_from_variable(
        &self,
        index: usize,
        name: &str,
        parts: &'a [QueryPart],
        current: Node<'a>,
        scope: &Scope<'a, '_>,
        converter: Option<Converter>,
    ) -> R<Vec<QueryResult<'a>>> {
        let keys = self.variable(name, scope)?;
        let (keys, next) = match parts.get(index + 1) {
            None | Some(QueryPart::AllIndices(_) | QueryPart::Key(_)) => (keys, index + 1),
            Some(QueryPart::Index(i)) => {
                match index_offset(*i, keys.len()).and_then(|o| keys.get(o)) {
                    Some(key) => (vec![key.clone()], index + 2),
                    None => {
                        return Ok(vec![QueryResult::Unresolved(Unresolved {
                            traversed_to: current,
                            reason: format!("index {i} on the keys of `%{name}` is out of range"),
                        })])
                    }
                }
            }
            Some(_) => {
                return Err(Fault::Unevaluatable(
                    format!("`%{name}` names keys only before a key, an index or `[*]`"),
                    None,
                ))
            }
        };
        let mut out = Vec::new();
        let lookup = |key: &str, out: &mut Vec<QueryResult<'a>>| -> R<()> {
            match current.get(key) {
                Some(child) => out.extend(self.retrieve(next, parts, child, scope, converter)?),
                None => out.push(QueryResult::Unresolved(Unresolved {
                    traversed_to: current.clone(),
                    reason: format!("no key `{key}` (from `%{name}`)"),
                })),
            }
            Ok(())
        };
        for key in keys {
            match key {
                QueryResult::Unresolved(ur) => out.push(QueryResult::Unresolved(Unresolved {
                    traversed_to: current.clone(),
                    reason: format!("the keys of `%{name}` did not resolve: {}", ur.reason),
                })),
                QueryResult::Resolved(k) | QueryResult::Literal(k) => {
                    if let Some(s) = k.as_str() {
                        lookup(s, &mut out)?;
                    } else if let Some(items) = k.elements() {
                        for item in items {
                            match item.as_str() {
                                Some(s) => lookup(s, &mut out)?,
                                None => return Err(not_a_key(name, &item)),
                            }
                        }
                    } else {
                        return Err(not_a_key(name, &k));
                    }
                }
            }
        }
        Ok(out)
    }

    /// `[*]` or `.*` on a list: the rest of the query from each element.
    fn each(
        &self,
        index: usize,
        parts: &'a [QueryPart],
        current: &Node<'a>,
        items: Vec<Node<'a>>,
        scope: &Scope<'a, '_>,
        converter: Option<Converter>,
    ) -> R<Vec<QueryResult<'a>>> {
        if items.is_empty() {
            return Ok(vec![QueryResult::Unresolved(Unresolved {
                traversed_to: current.clone(),
                reason: "no entries in an empty list".into(),
            })]);
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.extend(self.retrieve(index + 1, parts, item, scope, converter)?);
        }
        Ok(out)
    }

    /// A map's entries, each in a scope of its value: where `keep` says so, the rest of the
    /// query from the value.
    #[allow(clippy::too_many_arguments)]
    fn each_entry(
        &self,
        index: usize,
        parts: &'a [QueryPart],
        current: &Node<'a>,
        entries: Vec<(Node<'a>, Node<'a>)>,
        scope: &Scope<'a, '_>,
        converter: Option<Converter>,
        keep: impl Fn(&Self, Node<'a>, &Scope<'a, '_>) -> R<bool>,
    ) -> R<Vec<QueryResult<'a>>> {
        if entries.is_empty() {
            return Ok(vec![QueryResult::Unresolved(Unresolved {
                traversed_to: current.clone(),
                reason: "no entries in an empty map".into(),
            })]);
        }
        let mut out = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let value_scope = Scope::Value {
                root: value.clone(),
                parent: scope,
            };
            if keep(self, key, &value_scope)? {
                out.extend(self.retrieve(index + 1, parts, value, &value_scope, converter)?);
            }
        }
        Ok(out)
    }

    /// `[ name | clauses ]`.
    #[allow(clippy::too_many_arguments)]
    fn filter(
        &self,
        index: usize,
        parts: &'a [QueryPart],
        current: Node<'a>,
        name: Option<&'a str>,
        conjunctions: &'a Conjunctions,
        scope: &Scope<'a, '_>,
        converter: Option<Converter>,
    ) -> R<Vec<QueryResult<'a>>> {
        let previous = index.checked_sub(1).and_then(|i| parts.get(i));
        if let Some(items) = current.elements() {
            let mut out = Vec::new();
            for item in items {
                let value_scope = Scope::Value {
                    root: item.clone(),
                    parent: scope,
                };
                if self.conjunctions(conjunctions, &value_scope, Role::Gate)? == Status::Pass {
                    out.extend(self.retrieve(index + 1, parts, item, scope, converter)?);
                }
            }
            return Ok(out);
        }
        if let Some(entries) = current.entries() {
            return match previous {
                // After `*` or `[*]` the filter tests the map itself, in the scope it was
                // reached in.
                Some(QueryPart::AllValues(_) | QueryPart::AllIndices(_)) => {
                    if self.conjunctions(conjunctions, scope, Role::Gate)? == Status::Pass {
                        self.retrieve(index + 1, parts, current, scope, converter)
                    } else {
                        Ok(Vec::new())
                    }
                }
                // After a key it tests each of the map's values.
                Some(QueryPart::Key(_)) => {
                    if entries.is_empty() {
                        return Ok(Vec::new());
                    }
                    self.each_entry(
                        index,
                        parts,
                        &current,
                        entries,
                        scope,
                        converter,
                        |e, key, value_scope| {
                            let pass = e.conjunctions(conjunctions, value_scope, Role::Gate)?
                                == Status::Pass;
                            if pass {
                                if let Some(name) = name {
                                    e.capture(name, key);
                                }
                            }
                            Ok(pass)
                        },
                    )
                }
                // cfn-guard 3.2.1 stops with a panic here (`unreachable!`).
                _ => Err(Fault::Error(
                    "a filter on a map must follow a key, `*` or `[*]` (cfn-guard stops here)"
                        .into(),
                    None,
                )),
            };
        }
        if matches!(previous, Some(QueryPart::AllIndices(_))) {
            let value_scope = Scope::Value {
                root: current.clone(),
                parent: scope,
            };
            return if self.conjunctions(conjunctions, &value_scope, Role::Gate)? == Status::Pass {
                self.retrieve(index + 1, parts, current, scope, converter)
            } else {
                Ok(Vec::new())
            };
        }
        Ok(vec![QueryResult::Unresolved(Unresolved {
            reason: format!(
                "filter on a {} that is neither a map nor a list",
                current.type_name()
            ),
            traversed_to: current,
        })])
    }
}

/// Where a query is: the part being applied, in the scope and with the key spelling it
/// runs in.
struct Step<'a, 'p, 's> {
    index: usize,
    parts: &'a [QueryPart],
    scope: &'s Scope<'a, 'p>,
    converter: Option<Converter>,
}

impl<'a> Step<'a, '_, '_> {
    /// The rest of the query (after this part) from `value`.
    fn next(&self, e: &Evaluator<'a>, value: Node<'a>) -> R<Vec<QueryResult<'a>>> {
        e.retrieve(
            self.index + 1,
            self.parts,
            value,
            self.scope,
            self.converter,
        )
    }

    /// The same step with keys spelled by `convert` from here on.
    fn converted(&self, convert: Converter) -> Self {
        Step {
            converter: Some(convert),
            ..*self
        }
    }
}

/// An unresolved result: the query stopped at `current` for `reason`.
fn unresolved(current: Node<'_>, reason: String) -> R<Vec<QueryResult<'_>>> {
    Ok(vec![QueryResult::Unresolved(Unresolved {
        traversed_to: current,
        reason,
    })])
}

fn not_a_key(name: &str, value: &Node<'_>) -> Fault {
    Fault::Error(
        format!(
            "`%{name}` names keys, but holds a {} ({})",
            value.type_name(),
            value.describe()
        ),
        None,
    )
}

/// The element an index refers to among `len` (a negative index counts from the end).
pub(crate) fn index_offset(index: i64, len: usize) -> Option<usize> {
    let magnitude = usize::try_from(index.unsigned_abs()).ok()?;
    let offset = if index < 0 {
        len.checked_sub(magnitude)?
    } else {
        magnitude
    };
    (offset < len).then_some(offset)
}

/// Whether a map key passes a `[ keys op value ]` filter: with `==`/`!=` every comparison
/// must hold, with `IN`/`NOT IN` one is enough (a key is never compared with nothing).
fn key_passes(key: &Node<'_>, rhs: &[QueryResult<'_>], op: KeyOp) -> bool {
    let not = matches!(op, KeyOp::NotEq | KeyOp::NotIn);
    let eq = |l: &Node<'_>, r: &Node<'_>| compare_eq(l, r).map(|b| b != not);
    let member = |l: &Node<'_>, r: &Node<'_>| -> Result<bool, NotComparable> {
        if let (Some(a), Some(b)) = (l.as_str(), r.as_str()) {
            return Ok(b.contains(a) != not);
        }
        if let Some(items) = r.elements() {
            let mut found = false;
            for item in &items {
                found |= compare_eq(l, item)?;
            }
            return Ok(found != not);
        }
        Ok(compare_eq(l, r)? != not)
    };
    let outcome = |r: &QueryResult<'_>| -> bool {
        let Some(node) = r.node() else {
            return false;
        };
        let cmp = |l: &Node<'_>, r: &Node<'_>| match op {
            KeyOp::Eq | KeyOp::NotEq => eq(l, r),
            KeyOp::In | KeyOp::NotIn => member(l, r),
        };
        match cmp(key, node) {
            Ok(b) => b,
            // A scalar that cannot be compared with a one-element literal list is compared
            // with that element.
            Err(NotComparable) => match (r, node.elements().as_deref()) {
                (QueryResult::Literal(_), Some([only])) => cmp(key, only).unwrap_or(false),
                _ => false,
            },
        }
    };
    match op {
        KeyOp::Eq | KeyOp::NotEq => !rhs.is_empty() && rhs.iter().all(outcome),
        KeyOp::In | KeyOp::NotIn => rhs.iter().any(outcome),
    }
}
