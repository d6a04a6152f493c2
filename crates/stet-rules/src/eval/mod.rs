//! Evaluation of a [`RuleFile`] over one document with cfn-guard 3.2.1's semantics: scopes
//! (the document, a block's `let`s, a value a block or filter is evaluated on, a
//! parameterized rule's arguments), queries that resolve, stop (unresolved) or select
//! nothing, clauses that PASS, FAIL or SKIP, and the two roles a clause can play — an
//! assertion (a rule body: a clause that cannot be evaluated fails) or a gate (a `when`
//! condition or a filter: it does not apply). Evaluation errors (an undefined variable or
//! rule, a function that cannot convert its input) stop the document's evaluation, as they
//! stop cfn-guard's. Failures of the clauses that decide a rule's outcome are recorded with
//! the rule file location and the document value's location.
//!
//! Rules, blocks and clauses are evaluated here; comparison clauses in `comparison` (the
//! comparisons themselves in `operators`), queries in `query`, variables and function calls
//! in `variables`.

mod comparison;
mod operators;
mod query;
mod variables;

use crate::ast::*;
use crate::fxhash::FastMap;
use crate::value::*;
use crate::{Failure, Status};
use std::cell::{Cell, RefCell};
use stet_graph::{Span, Value};

/// Most clause and query steps one document may cost before evaluation stops, by default
/// (a rule file that loops through a huge document is reported, not left running).
pub(crate) const MAX_STEPS: u64 = 50_000_000;

/// How deep parameterized rules may call one another.
const MAX_CALL_DEPTH: usize = 64;

/// How deep rule references may lead (a rule referring to a rule referring to ...), and how
/// many parts a query may have: beyond them evaluation would recurse deep enough to exhaust
/// the stack (cfn-guard crashes there), so they are evaluation errors.
const MAX_REFERENCE_DEPTH: usize = 256;
const MAX_QUERY_PARTS: usize = 1024;

/// Why evaluating a document stopped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fault {
    /// A clause could not be evaluated (EMPTY on a number, a string a function cannot
    /// convert): an assertion fails, a gate passes the error on.
    Unevaluatable(String, Option<Span>),
    /// Anything else: the document's evaluation stops.
    Error(String, Option<Span>),
    /// The step budget ran out.
    Budget,
}

impl Fault {
    fn is_unevaluatable(&self) -> bool {
        matches!(self, Fault::Unevaluatable(..))
    }

    /// The fault placed at `span` when it has no place yet.
    fn at(self, span: &Span) -> Fault {
        match self {
            Fault::Unevaluatable(m, None) => Fault::Unevaluatable(m, Some(span.clone())),
            Fault::Error(m, None) => Fault::Error(m, Some(span.clone())),
            other => other,
        }
    }
}

pub(crate) type R<T> = Result<T, Fault>;

/// Why a clause is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Role {
    /// In a rule body: a clause that cannot be evaluated fails.
    Assertion,
    /// A `when` condition or a filter: a clause that cannot be evaluated does not apply.
    Gate,
}

/// A scope's `let`s, split as cfn-guard splits them.
#[derive(Default)]
pub(crate) struct Lets<'a> {
    literals: FastMap<&'a str, &'a crate::literal::Lit>,
    queries: FastMap<&'a str, &'a Query>,
    functions: FastMap<&'a str, &'a FunctionCall>,
}

impl<'a> Lets<'a> {
    fn new(assignments: &'a [Assignment]) -> Lets<'a> {
        let mut lets = Lets::default();
        for a in assignments {
            match &a.value {
                LetValue::Literal(l) => {
                    lets.literals.insert(a.name.as_str(), l);
                }
                LetValue::Query(q) => {
                    lets.queries.insert(a.name.as_str(), q);
                }
                LetValue::Function(f) => {
                    lets.functions.insert(a.name.as_str(), f);
                }
            }
        }
        lets
    }
}

/// Where queries start and which variables are visible.
pub(crate) enum Scope<'a, 'p> {
    /// The document, with the file's `let`s.
    Root,
    /// A block: its `let`s, resolved from `root`.
    Block {
        root: Node<'a>,
        lets: Lets<'a>,
        resolved: RefCell<FastMap<&'a str, Vec<QueryResult<'a>>>>,
        parent: &'p Scope<'a, 'p>,
    },
    /// A value a filter or block clause is evaluated on.
    Value {
        root: Node<'a>,
        parent: &'p Scope<'a, 'p>,
    },
    /// A parameterized rule's arguments.
    Params {
        values: FastMap<&'a str, Vec<QueryResult<'a>>>,
        parent: &'p Scope<'a, 'p>,
    },
}

pub(crate) struct Evaluator<'a> {
    file: &'a RuleFile,
    document: &'a Value,
    rules: FastMap<&'a str, Vec<&'a Rule>>,
    parameterized: FastMap<&'a str, &'a ParameterizedRule>,
    status: RefCell<FastMap<(&'a str, Role), Status>>,
    root_lets: Lets<'a>,
    root_resolved: RefCell<FastMap<&'a str, Vec<QueryResult<'a>>>>,
    resolving: RefCell<Vec<&'a str>>,
    /// The named rules being evaluated for a reference, to refuse a rule that depends on itself.
    referenced: RefCell<Vec<(&'a str, Role)>>,
    /// How deep parameterized rules call one another.
    calls: Cell<usize>,
    pub failures: RefCell<Vec<Failure>>,
    steps: Cell<u64>,
    max_steps: u64,
}

impl<'a> Evaluator<'a> {
    pub fn new(file: &'a RuleFile, document: &'a Value, max_steps: u64) -> Evaluator<'a> {
        let mut rules: FastMap<&str, Vec<&Rule>> = FastMap::default();
        for rule in &file.rules {
            rules.entry(rule.name.as_str()).or_default().push(rule);
        }
        Evaluator {
            file,
            document,
            rules,
            parameterized: file
                .parameterized
                .iter()
                .map(|p| (p.rule.name.as_str(), p))
                .collect(),
            status: RefCell::new(FastMap::default()),
            root_lets: Lets::new(&file.assignments),
            root_resolved: RefCell::new(FastMap::default()),
            resolving: RefCell::new(Vec::new()),
            referenced: RefCell::new(Vec::new()),
            calls: Cell::new(0),
            failures: RefCell::new(Vec::new()),
            steps: Cell::new(0),
            max_steps,
        }
    }

    fn step(&self) -> R<()> {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > self.max_steps {
            return Err(Fault::Budget);
        }
        Ok(())
    }

    /// Every named rule's status, in file order; a fault stops the document.
    pub fn evaluate_all(&self) -> R<Vec<(&'a Rule, Status)>> {
        let mut out = Vec::new();
        for rule in &self.file.rules {
            let before = self.failures.borrow().len();
            let status = self.rule(rule, &Scope::Root, Role::Assertion)?;
            if status == Status::Fail {
                for failure in self.failures.borrow_mut()[before..].iter_mut() {
                    failure.rule = rule.name.clone();
                }
            } else {
                self.failures.borrow_mut().truncate(before);
            }
            out.push((rule, status));
        }
        Ok(out)
    }

    /// The root of a scope: where its queries start.
    fn root_of(&self, scope: &Scope<'a, '_>) -> Node<'a> {
        match scope {
            Scope::Root => Node::Doc(self.document),
            Scope::Block { root, .. } | Scope::Value { root, .. } => root.clone(),
            Scope::Params { parent, .. } => self.root_of(parent),
        }
    }

    /// Where a failure with no value of its own is reported: the value the clause was
    /// evaluated on (the resource a block iterates, say), when it has a place in the
    /// document.
    fn scope_span(&self, scope: &Scope<'a, '_>) -> Option<Span> {
        document_span(&self.root_of(scope))
    }

    /// The places of the values the scopes around a clause were evaluated on, innermost
    /// first, each once (see [`Failure::enclosing`]).
    fn enclosing_spans(&self, scope: &Scope<'a, '_>) -> Vec<Span> {
        let mut out: Vec<Span> = Vec::new();
        let mut current = Some(scope);
        while let Some(s) = current {
            let (root, parent) = match s {
                Scope::Root => (None, None),
                Scope::Block { root, parent, .. } | Scope::Value { root, parent } => {
                    (Some(root), Some(*parent))
                }
                Scope::Params { parent, .. } => (None, Some(*parent)),
            };
            if let Some(span) = root.and_then(document_span) {
                if out.last() != Some(&span) {
                    out.push(span);
                }
            }
            current = parent;
        }
        out
    }

    /// Lines joined by AND, each a disjunction joined by OR: any FAIL fails, else any PASS
    /// passes; a disjunction passes on its first PASS and fails when any clause failed.
    fn conjunctions(
        &self,
        conjunctions: &'a Conjunctions,
        scope: &Scope<'a, '_>,
        role: Role,
    ) -> R<Status> {
        let mut passes = 0;
        let mut fails = 0;
        for disjunction in conjunctions {
            let before = self.failures.borrow().len();
            let mut disjunction_fails = 0;
            let mut passed = false;
            for clause in disjunction {
                match self.clause(clause, scope, role)? {
                    Status::Pass => {
                        passed = true;
                        break;
                    }
                    Status::Fail => disjunction_fails += 1,
                    Status::Skip => {}
                }
            }
            if passed {
                passes += 1;
                self.failures.borrow_mut().truncate(before);
            } else if disjunction_fails > 0 {
                fails += 1;
            }
        }
        Ok(if fails > 0 {
            Status::Fail
        } else if passes > 0 {
            Status::Pass
        } else {
            Status::Skip
        })
    }

    /// A named rule: its conditions (as gates), then its body in a block scope.
    fn rule(&self, rule: &'a Rule, scope: &Scope<'a, '_>, role: Role) -> R<Status> {
        self.step()?;
        if let Some(conditions) = &rule.conditions {
            match self.conjunctions(conditions, scope, Role::Gate) {
                Ok(Status::Pass) => {}
                Ok(_) => return Ok(Status::Skip),
                Err(e) if e.is_unevaluatable() && role == Role::Assertion => {
                    return Ok(Status::Fail)
                }
                Err(e) => return Err(e),
            }
        }
        let before = self.failures.borrow().len();
        let status = self.block(&rule.block, self.root_of(scope), scope, role)?;
        if status != Status::Fail {
            self.failures.borrow_mut().truncate(before);
        }
        Ok(status)
    }

    fn block(
        &self,
        block: &'a Block,
        root: Node<'a>,
        parent: &Scope<'a, '_>,
        role: Role,
    ) -> R<Status> {
        let scope = Scope::Block {
            root,
            lets: Lets::new(&block.assignments),
            resolved: RefCell::new(FastMap::default()),
            parent,
        };
        self.conjunctions(&block.clauses, &scope, role)
    }

    fn clause(&self, clause: &'a Clause, scope: &Scope<'a, '_>, role: Role) -> R<Status> {
        self.step()?;
        let span = clause.span();
        let result = match clause {
            Clause::Access(a) => self.access(a, scope, role),
            Clause::Block(b) => self.block_clause(b, scope, role),
            Clause::When(w) => self.when_block(w, scope, role),
            Clause::Type(t) => self.type_block(t, scope, role),
            Clause::RuleRef(r) => self.rule_ref(r, role),
            Clause::RuleCall(c) => self.rule_call(c, scope, role),
        };
        result.map_err(|e| e.at(span))
    }

    /// `[not] rule_name`: a rule that SKIPped fails an assertion (negated or not); in a
    /// gate it skips, and `not rule` holds.
    fn rule_ref(&self, r: &'a RuleRef, role: Role) -> R<Status> {
        let status = self.rule_status(&r.name, role)?;
        let outcome = match status {
            Status::Pass => {
                if r.negated {
                    Status::Fail
                } else {
                    Status::Pass
                }
            }
            Status::Skip if role == Role::Assertion => Status::Fail,
            Status::Skip if !r.negated => Status::Skip,
            _ => {
                if r.negated {
                    Status::Pass
                } else {
                    Status::Fail
                }
            }
        };
        if outcome == Status::Fail && role == Role::Assertion {
            self.record(
                r.span.clone(),
                None,
                format!(
                    "rule `{}` {}",
                    r.name,
                    match (status, r.negated) {
                        (Status::Skip, _) => "did not apply",
                        (_, true) => "passed",
                        (_, false) => "did not pass",
                    }
                ),
                r.message.clone(),
            );
        }
        Ok(outcome)
    }

    /// The status of the rule(s) called `name`, evaluated at the document root once per
    /// role: the first of them that does not SKIP decides.
    fn rule_status(&self, name: &str, role: Role) -> R<Status> {
        let Some((key, rules)) = self.rules.get_key_value(name) else {
            return Err(Fault::Error(
                format!("no rule named `{name}` in this file"),
                None,
            ));
        };
        if let Some(status) = self.status.borrow().get(&(*key, role)) {
            return Ok(*status);
        }
        // cfn-guard recurses without end (and crashes) on a rule that depends on itself.
        if self.referenced.borrow().contains(&(*key, role)) {
            return Err(Fault::Error(
                format!("rule `{name}` depends on itself"),
                None,
            ));
        }
        if self.referenced.borrow().len() >= MAX_REFERENCE_DEPTH {
            return Err(Fault::Error(
                format!("rule references lead more than {MAX_REFERENCE_DEPTH} deep"),
                None,
            ));
        }
        self.referenced.borrow_mut().push((key, role));
        let saved = self.failures.borrow().len();
        let mut status = Ok(Status::Skip);
        for rule in rules.clone() {
            status = self.rule(rule, &Scope::Root, role);
            if !matches!(status, Ok(Status::Skip)) {
                break;
            }
        }
        self.referenced.borrow_mut().pop();
        self.failures.borrow_mut().truncate(saved);
        let status = status?;
        self.status.borrow_mut().insert((key, role), status);
        Ok(status)
    }

    /// `[not] rule(args)`: the rule's body evaluated in the caller's scope with its
    /// parameters bound; SKIP is treated as for a rule reference.
    fn rule_call(&self, call: &'a RuleCall, scope: &Scope<'a, '_>, role: Role) -> R<Status> {
        let Some(rule) = self.parameterized.get(call.rule.name.as_str()) else {
            return Err(Fault::Error(
                format!(
                    "no parameterized rule named `{}` in this file",
                    call.rule.name
                ),
                None,
            ));
        };
        if rule.parameters.len() != call.args.len() {
            return Err(Fault::Unevaluatable(
                format!(
                    "`{}` takes {} argument{}, this call passes {}",
                    call.rule.name,
                    rule.parameters.len(),
                    if rule.parameters.len() == 1 { "" } else { "s" },
                    call.args.len()
                ),
                None,
            ));
        }
        let mut values = FastMap::default();
        for (name, arg) in rule.parameters.iter().zip(&call.args) {
            let value = match arg {
                LetValue::Literal(l) => vec![QueryResult::Resolved(Node::Lit(l))],
                LetValue::Query(q) => self.query(&q.parts, scope)?,
                LetValue::Function(f) => self.function(f, scope)?,
            };
            values.insert(name.as_str(), value);
        }
        let params = Scope::Params {
            values,
            parent: scope,
        };
        // cfn-guard recurses without end (and crashes) on calls that never stop.
        if self.calls.get() >= MAX_CALL_DEPTH {
            return Err(Fault::Error(
                format!("parameterized rules call one another more than {MAX_CALL_DEPTH} deep"),
                None,
            ));
        }
        self.calls.set(self.calls.get() + 1);
        let status = self.rule(&rule.rule, &params, role);
        self.calls.set(self.calls.get() - 1);
        let status = status?;
        let outcome = match status {
            Status::Pass => {
                if call.rule.negated {
                    Status::Fail
                } else {
                    Status::Pass
                }
            }
            Status::Skip if role == Role::Assertion => Status::Fail,
            Status::Skip if !call.rule.negated => Status::Skip,
            _ => {
                if call.rule.negated {
                    Status::Pass
                } else {
                    Status::Fail
                }
            }
        };
        if outcome == Status::Fail && role == Role::Assertion && status != Status::Fail {
            self.record(
                call.rule.span.clone(),
                None,
                format!(
                    "rule `{}` {}",
                    call.rule.name,
                    if status == Status::Skip {
                        "did not apply"
                    } else {
                        "passed"
                    }
                ),
                call.rule.message.clone(),
            );
        }
        Ok(outcome)
    }

    /// `when conditions { body }`: conditions as gates; the body in the enclosing role.
    fn when_block(&self, w: &'a When, scope: &Scope<'a, '_>, role: Role) -> R<Status> {
        match self.conjunctions(&w.conditions, scope, Role::Gate) {
            Ok(Status::Pass) => {}
            Ok(_) => return Ok(Status::Skip),
            Err(e) if e.is_unevaluatable() && role == Role::Assertion => return Ok(Status::Fail),
            Err(e) => return Err(e),
        }
        self.block(&w.block, self.root_of(scope), scope, role)
    }

    /// A type block: its body (and `when`) evaluated on each resource of the type.
    fn type_block(&self, t: &'a TypeBlock, scope: &Scope<'a, '_>, role: Role) -> R<Status> {
        let values = self.query(&t.query.parts, scope)?;
        if values.is_empty() {
            return Ok(Status::Skip);
        }
        let before = self.failures.borrow().len();
        let mut passes = 0;
        let mut fails = 0;
        for value in values {
            let (QueryResult::Resolved(resource) | QueryResult::Literal(resource)) = value else {
                continue;
            };
            let value_scope = Scope::Value {
                root: resource.clone(),
                parent: scope,
            };
            if let Some(conditions) = &t.conditions {
                match self.conjunctions(conditions, &value_scope, Role::Gate) {
                    Ok(Status::Pass) => {}
                    Ok(_) => continue,
                    Err(e) if e.is_unevaluatable() && role == Role::Assertion => {
                        fails += 1;
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            match self.block(&t.block, resource, &value_scope, role)? {
                Status::Pass => passes += 1,
                Status::Fail => fails += 1,
                Status::Skip => {}
            }
        }
        let status = if fails > 0 {
            Status::Fail
        } else if passes > 0 {
            Status::Pass
        } else {
            Status::Skip
        };
        if status != Status::Fail {
            self.failures.borrow_mut().truncate(before);
        }
        Ok(status)
    }

    /// `[some] query [!empty] { body }`: the body on each value.
    fn block_clause(&self, b: &'a BlockClause, scope: &Scope<'a, '_>, role: Role) -> R<Status> {
        let values = self.query(&b.query.parts, scope)?;
        if values.is_empty() {
            if b.not_empty && role == Role::Assertion {
                self.record(
                    b.span.clone(),
                    None,
                    format!("`{}` selected nothing", query_text(&b.query)),
                    None,
                );
            }
            return Ok(if b.not_empty {
                Status::Fail
            } else {
                Status::Skip
            });
        }
        let before = self.failures.borrow().len();
        let mut passes = 0;
        let mut fails = 0;
        for value in values {
            match value {
                QueryResult::Unresolved(ur) => {
                    fails += 1;
                    if role == Role::Assertion {
                        self.record(
                            b.span.clone(),
                            document_span(&ur.traversed_to),
                            format!(
                                "query `{}` did not resolve: {}",
                                query_text(&b.query),
                                ur.reason
                            ),
                            None,
                        );
                    }
                }
                QueryResult::Resolved(node) | QueryResult::Literal(node) => {
                    let value_scope = Scope::Value {
                        root: node.clone(),
                        parent: scope,
                    };
                    match self.block(&b.block, node, &value_scope, role)? {
                        Status::Pass => passes += 1,
                        Status::Fail => fails += 1,
                        Status::Skip => {}
                    }
                }
            }
        }
        let status = if b.query.match_all {
            if fails > 0 {
                Status::Fail
            } else if passes > 0 {
                Status::Pass
            } else {
                Status::Skip
            }
        } else if passes > 0 {
            Status::Pass
        } else if fails > 0 {
            Status::Fail
        } else {
            Status::Skip
        };
        if status != Status::Fail {
            self.failures.borrow_mut().truncate(before);
        }
        Ok(status)
    }

    /// A custom message with every `{{%name}}` replaced by the variable's first value (a
    /// string as it is, anything else as JSON; `(missing)` when it has none). A stet
    /// extension: cfn-guard messages are fixed text.
    fn render_message(&self, message: Option<&str>, scope: &Scope<'a, '_>) -> Option<String> {
        let message = message?.trim();
        if !message.contains("{{") {
            return Some(message.to_string());
        }
        let mut out = String::with_capacity(message.len());
        let mut rest = message;
        while let Some(start) = rest.find("{{") {
            out.push_str(rest.get(..start).unwrap_or_default());
            let after = rest.get(start + 2..).unwrap_or_default();
            let Some(end) = after.find("}}") else {
                out.push_str(rest.get(start..).unwrap_or_default());
                rest = "";
                break;
            };
            let inner = after.get(..end).unwrap_or_default().trim();
            match inner.strip_prefix('%') {
                Some(name) => {
                    let values = self.variable(name, scope).unwrap_or_default();
                    let shown = values.iter().find_map(|v| {
                        v.node()
                            .map(|n| n.as_str().map_or_else(|| n.describe(), str::to_string))
                    });
                    out.push_str(shown.as_deref().unwrap_or("(missing)"));
                }
                None => {
                    out.push_str("{{");
                    out.push_str(after.get(..end).unwrap_or_default());
                    out.push_str("}}");
                }
            }
            rest = after.get(end + 2..).unwrap_or_default();
        }
        out.push_str(rest);
        Some(out)
    }

    fn record(&self, clause: Span, at: Option<Span>, explanation: String, message: Option<String>) {
        self.failures.borrow_mut().push(Failure {
            rule: String::new(),
            clause,
            at,
            within: None,
            enclosing: Vec::new(),
            value: None,
            defined_at: None,
            explanation,
            message,
        });
    }
}

/// The document place of a node (literals and computed values without a place have none).
fn document_span(node: &Node<'_>) -> Option<Span> {
    Some(node.span().clone()).filter(|s| !s.file.is_empty())
}

/// A query as written, for messages (the `[*]` cfn-guard puts after a leading variable is
/// left out).
pub(crate) fn query_text(query: &Query) -> String {
    let mut out = String::new();
    if !query.match_all {
        out.push_str("some ");
    }
    let leading_variable = query.parts.first().is_some_and(|p| p.variable().is_some());
    for (i, part) in query.parts.iter().enumerate() {
        match part {
            QueryPart::Key(k) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(k);
            }
            QueryPart::This => out.push_str("this"),
            QueryPart::Index(n) => out.push_str(&format!("[{n}]")),
            QueryPart::AllValues(None) => out.push_str(if i == 0 { "*" } else { ".*" }),
            QueryPart::AllValues(Some(name)) => out.push_str(&format!("[ {name} ]")),
            QueryPart::AllIndices(None) if i == 1 && leading_variable => {}
            QueryPart::AllIndices(None) => out.push_str("[*]"),
            QueryPart::AllIndices(Some(name)) => out.push_str(&format!("[{name}]")),
            QueryPart::Filter(..) => out.push_str("[...]"),
            QueryPart::KeyFilter(..) => out.push_str("[keys ...]"),
        }
    }
    out
}
