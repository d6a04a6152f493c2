//! Variables and function calls: where `%name` gets its values — a `let` in a block or at
//! the document's scope, evaluated once and kept, a parameterized rule's argument, or the
//! keys a query captured — and a function call's arguments evaluated before the function
//! (`crate::functions`) runs.

use super::{Evaluator, Fault, Lets, Scope, R};
use crate::ast::*;
use crate::value::*;

impl<'a> Evaluator<'a> {
    /// The values of `%name` in `scope`.
    pub(super) fn variable(&self, name: &str, scope: &Scope<'a, '_>) -> R<Vec<QueryResult<'a>>> {
        match scope {
            Scope::Root => self.root_variable(name),
            Scope::Block {
                root,
                lets,
                resolved,
                parent,
            } => {
                if let Some((key, lit)) = lets.literals.get_key_value(name) {
                    let _ = key;
                    return Ok(vec![QueryResult::Literal(Node::Lit(lit))]);
                }
                if let Some(values) = resolved.borrow().get(name) {
                    return Ok(values.clone());
                }
                if let Some((key, f)) = lets.functions.get_key_value(name) {
                    let values = self.guarded(key, || self.function(f, scope))?;
                    resolved.borrow_mut().insert(key, values.clone());
                    return Ok(values);
                }
                if let Some((key, q)) = lets.queries.get_key_value(name) {
                    let values = self.guarded(key, || {
                        self.retrieve(0, &q.parts, root.clone(), scope, None)
                    })?;
                    let values = keep_resolved(values, q.match_all);
                    resolved.borrow_mut().insert(key, values.clone());
                    return Ok(values);
                }
                self.variable(name, parent)
            }
            Scope::Value { parent, .. } => self.variable(name, parent),
            Scope::Params { values, parent } => match values.get(name) {
                Some(v) => Ok(v.clone()),
                None => self.variable(name, parent),
            },
        }
    }

    fn root_variable(&self, name: &str) -> R<Vec<QueryResult<'a>>> {
        let Lets {
            literals,
            queries,
            functions,
        } = &self.root_lets;
        if let Some(lit) = literals.get(name) {
            return Ok(vec![QueryResult::Literal(Node::Lit(lit))]);
        }
        if let Some(values) = self.root_resolved.borrow().get(name) {
            return Ok(values.clone());
        }
        if let Some((key, f)) = functions.get_key_value(name) {
            let values = self.guarded(key, || self.function(f, &Scope::Root))?;
            self.root_resolved.borrow_mut().insert(key, values.clone());
            return Ok(values);
        }
        if let Some((key, q)) = queries.get_key_value(name) {
            let values = self.guarded(key, || {
                self.retrieve(0, &q.parts, Node::Doc(self.document), &Scope::Root, None)
            })?;
            let values = keep_resolved(values, q.match_all);
            self.root_resolved.borrow_mut().insert(key, values.clone());
            return Ok(values);
        }
        Err(Fault::Error(
            format!("variable `%{name}` is not defined"),
            None,
        ))
    }

    /// Evaluates a variable's definition, refusing one that refers to itself.
    fn guarded(
        &self,
        name: &'a str,
        evaluate: impl FnOnce() -> R<Vec<QueryResult<'a>>>,
    ) -> R<Vec<QueryResult<'a>>> {
        if self.resolving.borrow().contains(&name) {
            return Err(Fault::Error(
                format!("variable `%{name}` is defined in terms of itself"),
                None,
            ));
        }
        self.resolving.borrow_mut().push(name);
        let result = evaluate();
        self.resolving.borrow_mut().retain(|n| *n != name);
        result
    }

    /// Adds `key` to the captured keys of `%name` (they collect at the document's scope).
    pub(super) fn capture(&self, name: &'a str, key: Node<'a>) {
        self.root_resolved
            .borrow_mut()
            .entry(name)
            .or_default()
            .push(QueryResult::Resolved(key));
    }

    /// Calls a function on its arguments' values.
    pub(super) fn function(
        &self,
        f: &'a FunctionCall,
        scope: &Scope<'a, '_>,
    ) -> R<Vec<QueryResult<'a>>> {
        let mut args = Vec::with_capacity(f.args.len());
        for arg in &f.args {
            args.push(match arg {
                LetValue::Literal(l) => vec![QueryResult::Literal(Node::Lit(l))],
                LetValue::Query(q) => self.query(&q.parts, scope)?,
                LetValue::Function(inner) => self.function(inner, scope)?,
            });
        }
        crate::functions::call(&f.name, &args, &f.span)
    }
}

/// Keeps only the resolved values of a `some` query.
fn keep_resolved(values: Vec<QueryResult<'_>>, match_all: bool) -> Vec<QueryResult<'_>> {
    if match_all {
        values
    } else {
        values
            .into_iter()
            .filter(|v| matches!(v, QueryResult::Resolved(_)))
            .collect()
    }
}
