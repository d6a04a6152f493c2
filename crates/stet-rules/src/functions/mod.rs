//! The built-in functions of the rule language, with cfn-guard 3.2.1's semantics: one table
//! of [`Function`]s grouped by family as cfn-guard's documentation groups them — strings,
//! collections, converters — and the date functions it has but does not document. Each
//! takes the values of its arguments' queries and returns values. Names and argument counts
//! are checked against the table when a file is parsed (an unknown name is an error at the
//! call); here a call computes, passes over values of kinds it does not take, and fails the
//! way cfn-guard fails — a value it cannot convert makes the clause unevaluatable
//! (`parse_int('x')`), a malformed argument stops the evaluation. `docs/rule-language.md`
//! lists the same functions, and a test keeps the table, that list and cfn-guard's
//! documentation in agreement.

mod collections;
mod converters;
mod dates;
mod strings;

use crate::eval::{Fault, R};
use crate::literal::{Lit, LitKind};
use crate::value::{Node, QueryResult};
use std::rc::Rc;
use stet_graph::Span;

/// A built-in function: its name, how many arguments it takes, and what it computes from
/// the values of its arguments.
pub(crate) struct Function {
    pub name: &'static str,
    pub arity: usize,
    pub body: for<'a> fn(&Call<'_, 'a>) -> R<Vec<Node<'a>>>,
}

/// Every function, by family as cfn-guard's documentation groups them.
fn table() -> impl Iterator<Item = &'static Function> {
    strings::FUNCTIONS
        .iter()
        .chain(collections::FUNCTIONS)
        .chain(converters::FUNCTIONS)
        .chain(dates::FUNCTIONS)
}

/// The functions' names, sorted, for messages.
pub(crate) fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = table().map(|f| f.name).collect();
    names.sort_unstable();
    names
}

fn lookup(name: &str) -> Option<&'static Function> {
    table().find(|f| f.name == name)
}

/// The number of arguments `name` takes, or `None` when there is no such function.
pub(crate) fn arity(name: &str) -> Option<usize> {
    lookup(name).map(|f| f.arity)
}

/// A call: the values of its arguments and where it is written.
pub(crate) struct Call<'c, 'a> {
    name: &'static str,
    args: &'c [Vec<QueryResult<'a>>],
    /// The call in the rule file.
    span: &'c Span,
}

impl<'c, 'a> Call<'c, 'a> {
    /// The values of the first argument, the query the function works on.
    fn values(&self) -> &'c [QueryResult<'a>] {
        self.args.first().map_or(&[], Vec::as_slice)
    }

    /// The first argument's values that are values (not unresolved results).
    fn nodes(&self) -> impl Iterator<Item = &'c Node<'a>> {
        self.values().iter().filter_map(QueryResult::node)
    }

    /// The first value of argument `n`; cfn-guard stops (a panic) when an argument selected
    /// nothing, and so does this, with an error.
    fn first(&self, n: usize) -> R<&'c QueryResult<'a>> {
        match self.args.get(n).and_then(|a| a.first()) {
            Some(v) => Ok(v),
            None => error(format!(
                "{}: argument {} selected no value",
                self.name,
                n + 1
            )),
        }
    }

    /// Where the first argument's first value is (the call itself when it has none).
    fn first_place(&self) -> Span {
        self.values()
            .first()
            .map(|v| match v {
                QueryResult::Resolved(n) | QueryResult::Literal(n) => n.span().clone(),
                QueryResult::Unresolved(ur) => ur.traversed_to.span().clone(),
            })
            .unwrap_or_else(|| self.span.clone())
    }
}

fn unevaluatable<T>(message: String) -> R<T> {
    Err(Fault::Unevaluatable(message, None))
}

fn error<T>(message: String) -> R<T> {
    Err(Fault::Error(message, None))
}

/// A computed value at `span`.
fn make<'a>(kind: LitKind, span: &Span) -> Node<'a> {
    Node::OwnedLit(Rc::new(Lit {
        kind,
        span: span.clone(),
    }))
}

/// Calls `name` on the values of its arguments (`span` is the call in the rule file). The
/// parser refuses a name that is not in the table, so an unknown one here is an error at
/// the call.
pub(crate) fn call<'a>(
    name: &str,
    args: &[Vec<QueryResult<'a>>],
    span: &Span,
) -> R<Vec<QueryResult<'a>>> {
    let Some(f) = lookup(name) else {
        return Err(Fault::Error(
            format!("no function named `{name}`"),
            Some(span.clone()),
        ));
    };
    let call = Call {
        name: f.name,
        args,
        span,
    };
    let out = (f.body)(&call)?;
    Ok(out.into_iter().map(QueryResult::Resolved).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The functions `docs/rule-language.md` lists: the names in the first column of the
    /// table under `## Functions`.
    fn documented_by_stet() -> BTreeSet<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rule-language.md");
        let text = std::fs::read_to_string(&path).expect("docs/rule-language.md");
        let section = text
            .split("\n## Functions\n")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("docs/rule-language.md has a `## Functions` section");
        section
            .lines()
            .filter_map(|line| line.strip_prefix("| "))
            .filter(|row| row.starts_with('`'))
            .filter_map(|row| row.split(" |").next())
            .flat_map(|cell| cell.split('`').skip(1).step_by(2))
            .filter_map(|code| code.split('(').next())
            .map(str::to_string)
            .collect()
    }

    /// The functions cfn-guard 3.2.1 has: those its documentation describes (a `### name`
    /// heading in `docs/FUNCTIONS.md`) and those its own function tests call (`= name(`;
    /// `now` and `parse_epoch` are not documented). `None` where the shared copy is absent.
    fn cfn_guards() -> Option<BTreeSet<String>> {
        let base = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/conformance/cloudformation-guard");
        let Ok(docs) = std::fs::read_to_string(base.join("docs/FUNCTIONS.md")) else {
            eprintln!("skipped: {} is absent", base.display());
            return None;
        };
        let mut names: BTreeSet<String> = docs
            .lines()
            .filter_map(|line| line.strip_prefix("### "))
            .map(|name| name.trim().to_string())
            .collect();
        let tests = base.join("guard/resources/validate/functions/rules");
        for entry in std::fs::read_dir(&tests).expect("cfn-guard's function tests") {
            let text = std::fs::read_to_string(entry.expect("a directory entry").path())
                .expect("a rule file");
            for (at, _) in text.match_indices('(') {
                let before = text.get(..at).unwrap_or_default();
                let name_start = before
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(0, |i| i + 1);
                let name = before.get(name_start..).unwrap_or_default();
                if !name.is_empty()
                    && before
                        .get(..name_start)
                        .unwrap_or_default()
                        .trim_end()
                        .ends_with('=')
                {
                    names.insert(name.to_string());
                }
            }
        }
        Some(names)
    }

    #[test]
    fn table_docs_and_cfn_guard_list_the_same_functions() {
        let table: BTreeSet<String> = names().into_iter().map(str::to_string).collect();
        assert_eq!(table.len(), names().len(), "a name is in the table twice");
        assert_eq!(
            documented_by_stet(),
            table,
            "docs/rule-language.md's function table and the function table differ"
        );
        if let Some(theirs) = cfn_guards() {
            assert_eq!(
                theirs, table,
                "cfn-guard's functions (documented or tested) and the function table differ"
            );
        }
    }

    #[test]
    fn unknown_function_is_an_error_at_the_call() {
        let span = Span::file_start("rules.guard".into());
        match call("nope", &[], &span) {
            Err(Fault::Error(message, Some(at))) => {
                assert_eq!(message, "no function named `nope`");
                assert_eq!(at, span);
            }
            _ => panic!("an unknown function is not a located error"),
        }
    }
}
