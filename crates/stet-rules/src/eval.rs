//! Evaluation of a [`RuleFile`] over one document, with cfn-guard's semantics: queries that
//! resolve, stop (unresolved) or select nothing; clauses that PASS, FAIL or SKIP; `when`
//! guards that skip; `some` versus all; disjunctions and conjunctions. Failures of clauses
//! that decide a rule's outcome are recorded with the rule file location and the document
//! value's location.

use crate::ast::*;
use crate::functions;
use crate::value::*;
use crate::{Failure, Status};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use stet_graph::{Span, Value, ValueKind};

/// Most clause and query steps one document may cost before evaluation stops, by default
/// (a rule file that loops through a huge document is reported, not left running).
pub(crate) const MAX_STEPS: u64 = 50_000_000;

/// Evaluation ran over its step budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted;

type R<T> = Result<T, Exhausted>;

pub(crate) struct Evaluator<'a> {
    file: &'a RuleFile,
    rules: HashMap<&'a str, Vec<&'a Rule>>,
    parameterized: HashMap<&'a str, &'a ParameterizedRule>,
    status: RefCell<HashMap<&'a str, Status>>,
    pub failures: RefCell<Vec<Failure>>,
    steps: Cell<u64>,
    max_steps: u64,
}

/// A variable binding: not yet evaluated, or its values.
enum Binding<'a> {
    Let(&'a LetValue),
    Values(Vec<QueryResult<'a>>),
}

/// Where queries start (`root`) and which variables are visible.
pub(crate) struct Env<'a, 'p> {
    root: Item<'a>,
    vars: RefCell<Vec<(&'a str, Binding<'a>)>>,
    parent: Option<&'p Env<'a, 'p>>,
}

impl<'a, 'p> Env<'a, 'p> {
    fn child(&'p self, root: Item<'a>, assignments: &'a [Assignment]) -> Env<'a, 'p> {
        Env {
            root,
            vars: RefCell::new(
                assignments
                    .iter()
                    .map(|a| (a.name.as_str(), Binding::Let(&a.value)))
                    .collect(),
            ),
            parent: Some(self),
        }
    }
}

impl<'a> Evaluator<'a> {
    pub fn new(file: &'a RuleFile, max_steps: u64) -> Evaluator<'a> {
        let mut rules: HashMap<&str, Vec<&Rule>> = HashMap::new();
        for rule in &file.rules {
            rules.entry(rule.name.as_str()).or_default().push(rule);
        }
        Evaluator {
            file,
            rules,
            parameterized: file
                .parameterized
                .iter()
                .map(|p| (p.rule.name.as_str(), p))
                .collect(),
            status: RefCell::new(HashMap::new()),
            failures: RefCell::new(Vec::new()),
            steps: Cell::new(0),
            max_steps,
        }
    }

    fn step(&self) -> R<()> {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > self.max_steps {
            return Err(Exhausted);
        }
        Ok(())
    }

    pub fn root_env(&self, document: &'a Value) -> Env<'a, 'a> {
        self.file_env(Item::Ref(document))
    }

    /// An environment at `root` holding the file's `let` variables, not yet evaluated.
    fn file_env(&self, root: Item<'a>) -> Env<'a, 'a> {
        Env {
            root,
            vars: RefCell::new(
                self.file
                    .assignments
                    .iter()
                    .map(|a| (a.name.as_str(), Binding::Let(&a.value)))
                    .collect(),
            ),
            parent: None,
        }
    }

    /// The status of every named rule, in file order.
    pub fn evaluate_all(&self, env: &Env<'a, '_>) -> R<Vec<(&'a Rule, Status)>> {
        let mut out = Vec::new();
        for rule in &self.file.rules {
            let before = self.failures.borrow().len();
            let status = self.rule(rule, env)?;
            if status != Status::Fail {
                self.failures.borrow_mut().truncate(before);
            } else {
                for failure in self.failures.borrow_mut()[before..].iter_mut() {
                    failure.rule = rule.name.clone();
                }
            }
            self.status
                .borrow_mut()
                .entry(rule.name.as_str())
                .or_insert(status);
            out.push((rule, status));
        }
        Ok(out)
    }

    /// The status of the rule(s) called `name` (evaluated once per document).
    fn rule_status(&self, name: &str, env: &Env<'a, '_>) -> R<Status> {
        if let Some(status) = self.status.borrow().get(name) {
            return Ok(*status);
        }
        let Some(rules) = self.rules.get(name).cloned() else {
            return Ok(Status::Fail);
        };
        let root = self.root_of(env);
        let saved = self.failures.borrow().len();
        let mut status = Status::Skip;
        for rule in rules {
            status = self.rule(rule, &root)?;
            if status != Status::Skip {
                break;
            }
        }
        self.failures.borrow_mut().truncate(saved);
        if let Some((key, _)) = self.rules.get_key_value(name) {
            self.status.borrow_mut().insert(key, status);
        }
        Ok(status)
    }

    /// An environment at the document root with the file's variables.
    fn root_of(&self, env: &Env<'a, '_>) -> Env<'a, 'a> {
        let mut top = env;
        while let Some(parent) = top.parent {
            top = parent;
        }
        self.file_env(top.root.clone())
    }

    fn rule(&self, rule: &'a Rule, env: &Env<'a, '_>) -> R<Status> {
        if let Some(conditions) = &rule.conditions {
            if self.conjunctions(conditions, env, false)? != Status::Pass {
                return Ok(Status::Skip);
            }
        }
        self.block(&rule.block, env.root.clone(), env, true)
    }

    fn block(
        &self,
        block: &'a Block,
        root: Item<'a>,
        env: &Env<'a, '_>,
        report: bool,
    ) -> R<Status> {
        let scope = env.child(root, &block.assignments);
        self.conjunctions(&block.clauses, &scope, report)
    }

    /// Lines joined by AND, each a disjunction joined by OR.
    fn conjunctions(
        &self,
        conjunctions: &'a Conjunctions,
        env: &Env<'a, '_>,
        report: bool,
    ) -> R<Status> {
        let mut passes = 0;
        let mut fails = 0;
        for disjunction in conjunctions {
            let before = self.failures.borrow().len();
            let mut disjunction_fails = 0;
            let mut passed = false;
            for clause in disjunction {
                match self.clause(clause, env, report)? {
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
        Ok(combine(passes, fails, true))
    }

    fn clause(&self, clause: &'a Clause, env: &Env<'a, '_>, report: bool) -> R<Status> {
        self.step()?;
        match clause {
            Clause::Access(a) => self.access(a, env, report),
            Clause::Block(b) => self.block_clause(b, env, report),
            Clause::When(conditions, block) => {
                if self.conjunctions(conditions, env, false)? != Status::Pass {
                    return Ok(Status::Skip);
                }
                self.block(block, env.root.clone(), env, report)
            }
            Clause::Type(t) => self.type_block(t, env, report),
            Clause::RuleRef(r) => {
                let status = self.rule_status(&r.name, env)?;
                // As cfn-guard 3.2.1 does: a rule that SKIPped fails an assertion whether or not
                // it is negated, while in a `when` guard `!rule` holds for it.
                let pass = match status {
                    Status::Pass => !r.negated,
                    Status::Fail => r.negated,
                    Status::Skip => !report && r.negated,
                };
                if !pass && report {
                    self.record(
                        r.span.clone(),
                        None,
                        format!(
                            "rule `{}` {}",
                            r.name,
                            if r.negated { "passed" } else { "did not pass" }
                        ),
                        r.message.clone(),
                    );
                }
                Ok(if pass { Status::Pass } else { Status::Fail })
            }
            Clause::RuleCall(call) => {
                let Some(rule) = self.parameterized.get(call.rule.name.as_str()) else {
                    return Ok(Status::Fail);
                };
                let mut bindings = Vec::new();
                for (name, arg) in rule.parameters.iter().zip(&call.args) {
                    bindings.push((name.as_str(), Binding::Values(self.let_value(arg, env)?)));
                }
                let root = self.root_of(env);
                let scope = Env {
                    root: root.root.clone(),
                    vars: RefCell::new(bindings),
                    parent: Some(&root),
                };
                let status = self.rule(&rule.rule, &scope)?;
                Ok(match (status, call.rule.negated) {
                    (Status::Pass, true) => Status::Fail,
                    (Status::Fail, true) => Status::Pass,
                    (s, _) => s,
                })
            }
        }
    }

    fn type_block(&self, t: &'a TypeBlock, env: &Env<'a, '_>, report: bool) -> R<Status> {
        if let Some(conditions) = &t.conditions {
            if self.conjunctions(conditions, env, false)? != Status::Pass {
                return Ok(Status::Skip);
            }
        }
        let resources: Vec<Item<'a>> = match &env.root {
            Item::Ref(root) => match root.get("Resources").and_then(Value::as_map) {
                Some(map) => map
                    .iter()
                    .filter(|e| {
                        e.value.get("Type").and_then(Value::as_str) == Some(t.type_name.as_str())
                    })
                    .map(|e| Item::Ref(&e.value))
                    .collect(),
                None => return Ok(Status::Skip),
            },
            _ => return Ok(Status::Skip),
        };
        let mut fails = 0;
        let mut passes = 0;
        for resource in resources {
            match self.block(&t.block, resource, env, report)? {
                Status::Pass => passes += 1,
                Status::Fail => fails += 1,
                Status::Skip => {}
            }
        }
        Ok(combine(passes, fails, true))
    }

    fn block_clause(&self, b: &'a BlockClause, env: &Env<'a, '_>, report: bool) -> R<Status> {
        let values = self.query(&b.query.parts, env.root.clone(), env)?;
        if values.is_empty() {
            return Ok(if b.not_empty {
                Status::Fail
            } else {
                Status::Skip
            });
        }
        let all = !b.query.some;
        let mut fails = 0;
        let mut passes = 0;
        let before = self.failures.borrow().len();
        for value in values {
            match value {
                QueryResult::Unresolved(ur) => {
                    fails += 1;
                    if report {
                        self.record(
                            b.span.clone(),
                            value_span(&ur.traversed_to),
                            format!(
                                "query `{}` did not resolve: {}",
                                query_text(&b.query),
                                ur.reason
                            ),
                            None,
                        );
                    }
                }
                QueryResult::Resolved(item) | QueryResult::Literal(item) => {
                    match self.block(&b.block, item, env, report)? {
                        Status::Pass => passes += 1,
                        Status::Fail => fails += 1,
                        Status::Skip => {}
                    }
                }
            }
        }
        let status = combine(passes, fails, all);
        if status != Status::Fail {
            self.failures.borrow_mut().truncate(before);
        }
        Ok(status)
    }

    fn access(&self, a: &'a AccessClause, env: &Env<'a, '_>, report: bool) -> R<Status> {
        let lhs = self.query(&a.query.parts, env.root.clone(), env)?;
        let results = if a.op.is_unary() {
            match self.unary(a, &lhs, report) {
                Some(results) => results,
                None => return Ok(Status::Skip),
            }
        } else {
            let rhs = match &a.rhs {
                Some(LetValue::Literal(l)) => vec![QueryResult::Literal(Item::from_literal(l))],
                Some(other) => self.let_value(other, env)?,
                None => Vec::new(),
            };
            if lhs.is_empty() || rhs.is_empty() {
                return Ok(Status::Skip);
            }
            let negated = a.op_negated != a.negated;
            binary(a.op, negated, &lhs, &rhs, report)
        };
        if results.is_empty() {
            return Ok(Status::Skip);
        }
        let all = !a.query.some;
        let passes = results.iter().filter(|r| r.pass).count();
        let fails = results.len() - passes;
        let status = combine(passes, fails, all);
        if status == Status::Fail && report {
            let message = self.render_message(a.message.as_deref(), env);
            for r in results.iter().filter(|r| !r.pass) {
                self.record(
                    a.span.clone(),
                    r.at.clone(),
                    r.explanation.clone(),
                    message.clone(),
                );
            }
        }
        Ok(status)
    }

    /// A custom message with every `{{%name}}` replaced by the variable's first value (a
    /// string as it is, anything else as JSON; `(missing)` when it has none). A stet
    /// extension: cfn-guard messages are fixed text.
    fn render_message(&self, message: Option<&str>, env: &Env<'a, '_>) -> Option<String> {
        let message = message?;
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
                    let values = self.resolve_variable(name, env).unwrap_or_default();
                    let shown = values.iter().find_map(|v| match v {
                        QueryResult::Resolved(i) | QueryResult::Literal(i) => {
                            Some(match i.value() {
                                Some(Value {
                                    kind: stet_graph::ValueKind::String(s),
                                    ..
                                }) => s.clone(),
                                _ => i.describe(),
                            })
                        }
                        QueryResult::Unresolved(_) => None,
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

    /// Unary operators; `None` when the clause skips (nothing selected). Failures are
    /// explained only when `explain` (a reported clause, not a filter or a `when`).
    fn unary(
        &self,
        a: &AccessClause,
        lhs: &[QueryResult<'a>],
        explain: bool,
    ) -> Option<Vec<Outcome>> {
        let inverse = a.negated;
        let not = a.op_negated;
        let empty_on_expression = match a.query.parts.last() {
            Some(QueryPart::Filter(_) | QueryPart::KeyFilter(..)) => true,
            Some(QueryPart::Variable(_)) => a.query.parts.len() == 1,
            _ => false,
        };
        if empty_on_expression && a.op == CmpOp::Empty {
            if lhs.is_empty() {
                let pass = not == inverse;
                let at = None;
                return Some(vec![Outcome {
                    pass,
                    at,
                    explanation: format!("`{}` selected nothing", query_text(&a.query)),
                }]);
            }
            return Some(
                lhs.iter()
                    .map(|r| {
                        let (empty, at) = match r {
                            QueryResult::Resolved(i) | QueryResult::Literal(i) => {
                                (i.is_null(), value_span(i))
                            }
                            QueryResult::Unresolved(ur) => (true, value_span(&ur.traversed_to)),
                        };
                        let pass = if not { !empty } else { empty } != inverse;
                        Outcome {
                            pass,
                            at,
                            explanation: format!(
                                "`{}` is {}",
                                query_text(&a.query),
                                if empty { "empty" } else { "not empty" }
                            ),
                        }
                    })
                    .collect(),
            );
        }
        if lhs.is_empty() {
            return None;
        }
        Some(
            lhs.iter()
                .map(|r| {
                    let (result, at) = match r {
                        QueryResult::Resolved(i) | QueryResult::Literal(i) => {
                            (unary_on_value(a.op, i), value_span(i))
                        }
                        QueryResult::Unresolved(ur) => {
                            (matches!(a.op, CmpOp::Empty), value_span(&ur.traversed_to))
                        }
                    };
                    let pass = (result != not) != inverse;
                    // Only a failure is ever shown: passing outcomes skip the text.
                    let explanation = if pass || !explain {
                        String::new()
                    } else {
                        let shown = match r {
                            QueryResult::Resolved(i) | QueryResult::Literal(i) => i.describe(),
                            QueryResult::Unresolved(ur) => format!("missing ({})", ur.reason),
                        };
                        format!(
                            "`{}` {} {}: {}",
                            query_text(&a.query),
                            if not != inverse {
                                "must not be"
                            } else {
                                "must be"
                            },
                            op_word(a.op),
                            shown
                        )
                    };
                    Outcome {
                        pass,
                        at,
                        explanation,
                    }
                })
                .collect(),
        )
    }

    fn record(&self, clause: Span, at: Option<Span>, explanation: String, message: Option<String>) {
        self.failures.borrow_mut().push(Failure {
            rule: String::new(),
            clause,
            at,
            explanation,
            message,
        });
    }

    pub(crate) fn let_value(
        &self,
        value: &'a LetValue,
        env: &Env<'a, '_>,
    ) -> R<Vec<QueryResult<'a>>> {
        Ok(match value {
            LetValue::Literal(l) => vec![QueryResult::Literal(Item::from_literal(l))],
            LetValue::Query(q) => self.query(&q.parts, env.root.clone(), env)?,
            LetValue::Function(f) => {
                let mut args = Vec::new();
                for arg in &f.args {
                    args.push(self.let_value(arg, env)?);
                }
                functions::call(&f.name, &args, &f.span)
            }
        })
    }

    fn resolve_variable(&self, name: &str, env: &Env<'a, '_>) -> R<Vec<QueryResult<'a>>> {
        let mut scope = Some(env);
        while let Some(current) = scope {
            let found = current.vars.borrow().iter().position(|(n, _)| *n == name);
            if let Some(index) = found {
                let pending = match current.vars.borrow().get(index).map(|(_, b)| b) {
                    Some(Binding::Values(values)) => return Ok(values.clone()),
                    Some(Binding::Let(value)) => *value,
                    None => break,
                };
                // Evaluate in the scope that defines the variable; placeholder against cycles.
                if let Some(slot) = current.vars.borrow_mut().get_mut(index) {
                    slot.1 = Binding::Values(Vec::new());
                }
                let values = self.let_value(pending, current)?;
                if let Some(slot) = current.vars.borrow_mut().get_mut(index) {
                    slot.1 = Binding::Values(values.clone());
                }
                return Ok(values);
            }
            scope = current.parent;
        }
        Ok(Vec::new())
    }

    /// Runs `parts` from `current`.
    pub(crate) fn query(
        &self,
        parts: &'a [QueryPart],
        current: Item<'a>,
        env: &Env<'a, '_>,
    ) -> R<Vec<QueryResult<'a>>> {
        self.retrieve(0, parts, current, env)
    }

    fn retrieve(
        &self,
        index: usize,
        parts: &'a [QueryPart],
        current: Item<'a>,
        env: &Env<'a, '_>,
    ) -> R<Vec<QueryResult<'a>>> {
        self.step()?;
        let Some(part) = parts.get(index) else {
            return Ok(vec![QueryResult::Resolved(current)]);
        };
        if index == 0 {
            if let QueryPart::Variable(name) = part {
                let values = self.resolve_variable(name, env)?;
                let next = match parts.get(1) {
                    Some(QueryPart::AllIndices) => 2,
                    _ => 1,
                };
                let mut out = Vec::new();
                for value in values {
                    match &value {
                        QueryResult::Unresolved(_) => out.push(value),
                        QueryResult::Resolved(item) | QueryResult::Literal(item) => {
                            if next < parts.len() {
                                let scope = env.child(item.clone(), &[]);
                                out.extend(self.retrieve(next, parts, item.clone(), &scope)?);
                            } else {
                                out.push(value.clone());
                            }
                        }
                    }
                }
                return Ok(out);
            }
        }
        let unresolved = |reason: String| {
            Ok(vec![QueryResult::Unresolved(Unresolved {
                traversed_to: current.clone(),
                reason,
            })])
        };
        match part {
            QueryPart::This => self.retrieve(index + 1, parts, current.clone(), env),
            QueryPart::Key(key) => {
                if let Ok(i) = key.parse::<i64>() {
                    return match current.elements() {
                        Some(items) => match list_index(&items, i) {
                            Some(item) => self.retrieve(index + 1, parts, item, env),
                            None => unresolved(format!("index {i} is out of range")),
                        },
                        None => unresolved(format!("index {i} on a value that is not a list")),
                    };
                }
                match current.kind() {
                    Some(ValueKind::Map(map)) => {
                        // cfn-guard falls back to other spellings of a missing key.
                        let found = if map.contains_key(key) {
                            Some(key.clone())
                        } else {
                            crate::case::alternatives(key)
                                .into_iter()
                                .find(|k| map.contains_key(k))
                        };
                        match found.and_then(|k| child(&current, &k)) {
                            Some(item) => self.retrieve(index + 1, parts, item, env),
                            None => unresolved(format!("no key `{key}`")),
                        }
                    }
                    _ => unresolved(format!(
                        "key `{key}` on a {} that is not a map",
                        current.type_name()
                    )),
                }
            }
            QueryPart::Variable(name) => {
                let keys = self.resolve_variable(name, env)?;
                let Some(ValueKind::Map(_)) = current.kind() else {
                    return unresolved(format!("keys from `%{name}` on a value that is not a map"));
                };
                let mut out = Vec::new();
                for key in keys {
                    let names: Vec<String> = match key.item() {
                        Some(item) => match item.kind() {
                            Some(ValueKind::String(s)) => vec![s.clone()],
                            Some(ValueKind::List(l)) => l
                                .iter()
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect(),
                            _ => Vec::new(),
                        },
                        None => Vec::new(),
                    };
                    for name in names {
                        match child(&current, &name) {
                            Some(item) => out.extend(self.retrieve(index + 1, parts, item, env)?),
                            None => out.push(QueryResult::Unresolved(Unresolved {
                                traversed_to: current.clone(),
                                reason: format!("no key `{name}`"),
                            })),
                        }
                    }
                }
                Ok(out)
            }
            QueryPart::Index(i) => match current.elements() {
                Some(items) => match list_index(&items, *i) {
                    Some(item) => self.retrieve(index + 1, parts, item, env),
                    None => unresolved(format!("index {i} is out of range")),
                },
                None => unresolved(format!(
                    "index {i} on a {} that is not a list",
                    current.type_name()
                )),
            },
            QueryPart::AllIndices | QueryPart::AllValues => {
                if let Some(items) = current.elements() {
                    // An empty list is a retrieval error, as in cfn-guard 3.2: `Tags[*].Key == 'x'`
                    // fails on `Tags: []` rather than passing on nothing.
                    if items.is_empty() {
                        return unresolved("`[*]` on an empty list".into());
                    }
                    let mut out = Vec::new();
                    for item in items {
                        out.extend(self.retrieve(index + 1, parts, item, env)?);
                    }
                    return Ok(out);
                }
                match (current.kind(), part) {
                    (Some(ValueKind::Map(map)), QueryPart::AllValues) => {
                        if map.is_empty() {
                            return unresolved("`*` on an empty map".into());
                        }
                        let mut out = Vec::new();
                        for key in map.keys() {
                            if let Some(item) = child(&current, key) {
                                out.extend(self.retrieve(index + 1, parts, item, env)?);
                            }
                        }
                        Ok(out)
                    }
                    _ => self.retrieve(index + 1, parts, current.clone(), env),
                }
            }
            QueryPart::Filter(conjunctions) => {
                let previous = index.checked_sub(1).and_then(|i| parts.get(i));
                if let Some(items) = current.elements() {
                    let mut out = Vec::new();
                    for item in items {
                        if self.filter_passes(conjunctions, item.clone(), env)? {
                            out.extend(self.retrieve(index + 1, parts, item, env)?);
                        }
                    }
                    return Ok(out);
                }
                match current.kind() {
                    Some(ValueKind::Map(map)) => {
                        // After `*`, `[*]`, a variable or `this`, the filter tests the value itself;
                        // after a key it tests each of the map's values.
                        if matches!(
                            previous,
                            Some(
                                QueryPart::AllValues
                                    | QueryPart::AllIndices
                                    | QueryPart::Variable(_)
                                    | QueryPart::This
                            )
                        ) {
                            if self.filter_passes(conjunctions, current.clone(), env)? {
                                return self.retrieve(index + 1, parts, current.clone(), env);
                            }
                            return Ok(Vec::new());
                        }
                        let mut out = Vec::new();
                        for key in map.keys() {
                            if let Some(item) = child(&current, key) {
                                if self.filter_passes(conjunctions, item.clone(), env)? {
                                    out.extend(self.retrieve(index + 1, parts, item, env)?);
                                }
                            }
                        }
                        Ok(out)
                    }
                    _ if matches!(previous, Some(QueryPart::AllIndices)) => {
                        if self.filter_passes(conjunctions, current.clone(), env)? {
                            return self.retrieve(index + 1, parts, current.clone(), env);
                        }
                        Ok(Vec::new())
                    }
                    _ => unresolved(format!(
                        "filter on a {} that is neither a map nor a list",
                        current.type_name()
                    )),
                }
            }
            QueryPart::KeyFilter(op, negated, rhs) => {
                let Some(ValueKind::Map(map)) = current.kind() else {
                    return unresolved(format!(
                        "`keys` filter on a {} that is not a map",
                        current.type_name()
                    ));
                };
                let rhs_values = match rhs {
                    Some(LetValue::Literal(l)) => vec![QueryResult::Literal(Item::from_literal(l))],
                    Some(other) => {
                        let scope = env.child(current.clone(), &[]);
                        self.let_value(other, &scope)?
                    }
                    None => Vec::new(),
                };
                let keys: Vec<String> = map.keys().map(str::to_string).collect();
                let mut out = Vec::new();
                for key in keys {
                    let key_value = Rc::new(Value::string(
                        key.clone(),
                        current
                            .value()
                            .map_or_else(|| Span::file_start("".into()), |v| v.span.clone()),
                    ));
                    let lhs = vec![QueryResult::Resolved(Item::Owned(key_value))];
                    let op = if *op == CmpOp::Eq && rhs_values.len() > 1 {
                        CmpOp::In
                    } else {
                        *op
                    };
                    let outcomes = binary(op, *negated, &lhs, &rhs_values, false);
                    if !outcomes.is_empty() && outcomes.iter().any(|o| o.pass) {
                        if let Some(item) = child(&current, &key) {
                            out.extend(self.retrieve(index + 1, parts, item, env)?);
                        }
                    }
                }
                Ok(out)
            }
        }
    }

    fn filter_passes(
        &self,
        conjunctions: &'a Conjunctions,
        item: Item<'a>,
        env: &Env<'a, '_>,
    ) -> R<bool> {
        let scope = env.child(item, &[]);
        let before = self.failures.borrow().len();
        let status = self.conjunctions(conjunctions, &scope, false)?;
        self.failures.borrow_mut().truncate(before);
        Ok(status == Status::Pass)
    }
}

/// The status of several verdicts: with `all`, any failure fails; otherwise any pass
/// passes. Nothing decided is SKIP.
fn combine(passes: usize, fails: usize, all: bool) -> Status {
    if all && fails > 0 {
        Status::Fail
    } else if passes > 0 {
        Status::Pass
    } else if fails > 0 {
        Status::Fail
    } else {
        Status::Skip
    }
}

/// One compared value's verdict.
pub(crate) struct Outcome {
    pub pass: bool,
    pub at: Option<Span>,
    pub explanation: String,
}

fn child<'a>(current: &Item<'a>, key: &str) -> Option<Item<'a>> {
    match current {
        Item::Ref(v) => v.get(key).map(Item::Ref),
        Item::Owned(v) => v.get(key).map(|c| Item::Owned(Rc::new(c.clone()))),
        _ => None,
    }
}

fn list_index<'a>(items: &[Item<'a>], i: i64) -> Option<Item<'a>> {
    let len = items.len() as i64;
    let index = if i < 0 { len + i } else { i };
    usize::try_from(index)
        .ok()
        .and_then(|i| items.get(i))
        .cloned()
}

pub(crate) fn value_span(item: &Item<'_>) -> Option<Span> {
    item.value()
        .map(|v| v.span.clone())
        .filter(|s| !s.file.is_empty())
}

fn unary_on_value(op: CmpOp, item: &Item<'_>) -> bool {
    match op {
        CmpOp::Exists => true,
        CmpOp::Empty => match item.kind() {
            Some(ValueKind::List(l)) => l.is_empty(),
            Some(ValueKind::Map(m)) => m.is_empty(),
            Some(ValueKind::String(s)) => s.is_empty(),
            Some(ValueKind::Null) => true,
            _ => matches!(item, Item::List(l) if l.is_empty()),
        },
        CmpOp::IsString => matches!(item.kind(), Some(ValueKind::String(_) | ValueKind::Expr(_))),
        CmpOp::IsList => item.is_list(),
        CmpOp::IsStruct => matches!(item.kind(), Some(ValueKind::Map(_))),
        CmpOp::IsBool => matches!(item.kind(), Some(ValueKind::Bool(_))),
        CmpOp::IsInt => matches!(item.kind(), Some(ValueKind::Int(_))),
        CmpOp::IsFloat => matches!(item.kind(), Some(ValueKind::Float(_))),
        CmpOp::IsNull => item.is_null(),
        _ => false,
    }
}

fn op_word(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Exists => "present",
        CmpOp::Empty => "empty",
        CmpOp::IsString => "a string",
        CmpOp::IsList => "a list",
        CmpOp::IsStruct => "a map",
        CmpOp::IsBool => "a bool",
        CmpOp::IsInt => "an int",
        CmpOp::IsFloat => "a float",
        CmpOp::IsNull => "null",
        CmpOp::Eq => "equal to",
        CmpOp::In => "in",
        CmpOp::Gt => "greater than",
        CmpOp::Ge => "at least",
        CmpOp::Lt => "less than",
        CmpOp::Le => "at most",
    }
}

pub(crate) fn query_text(query: &Query) -> String {
    let mut out = String::new();
    if query.some {
        out.push_str("some ");
    }
    for (i, part) in query.parts.iter().enumerate() {
        match part {
            QueryPart::Variable(n) => {
                if i > 0 {
                    out.push('.');
                }
                out.push('%');
                out.push_str(n);
            }
            QueryPart::This => out.push_str("this"),
            QueryPart::Key(k) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(k);
            }
            QueryPart::Index(n) => out.push_str(&format!("[{n}]")),
            QueryPart::AllValues => out.push_str(if i > 0 { ".*" } else { "*" }),
            QueryPart::AllIndices => out.push_str("[*]"),
            QueryPart::Filter(_) => out.push_str("[...]"),
            QueryPart::KeyFilter(..) => out.push_str("[keys ...]"),
        }
    }
    out
}

/// A binary comparison of every left value with the right side, with cfn-guard's rules
/// for lists against scalars and for queries against queries.
pub(crate) fn binary(
    op: CmpOp,
    negated: bool,
    lhs: &[QueryResult<'_>],
    rhs: &[QueryResult<'_>],
    explain: bool,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    let rhs_literal = match rhs {
        [QueryResult::Literal(item)] => Some(item),
        _ => None,
    };
    let lhs_literal = match lhs {
        [QueryResult::Literal(item)] => Some(item),
        _ => None,
    };
    // The explanation is built only for a failure (the only outcomes ever shown).
    macro_rules! push {
        ($pass:expr, $at:expr, $explanation:expr $(,)?) => {{
            let pass: bool = $pass;
            let at: Option<Span> = $at;
            out.push(Outcome {
                pass,
                at,
                explanation: if pass || !explain {
                    String::new()
                } else {
                    $explanation
                },
            })
        }};
    }
    let describe = |l: &Item<'_>, r: &Item<'_>, negated: bool| {
        format!(
            "{} {} {}",
            l.describe(),
            if negated {
                format!("must not be {}", op_word(op))
            } else {
                format!("must be {}", op_word(op))
            },
            r.describe()
        )
    };
    let unresolved_lhs = |ur: &Unresolved<'_>| {
        (
            false,
            value_span(&ur.traversed_to),
            format!("missing ({})", ur.reason),
        )
    };
    match op {
        CmpOp::Eq | CmpOp::In => {
            let cmp = |l: &Item<'_>, r: &Item<'_>| -> Cmp {
                if op == CmpOp::Eq {
                    compare_eq(l, r)
                } else {
                    in_cmp(l, r)
                }
            };
            let verdict = |result: Cmp| -> bool {
                match result {
                    Ok(b) => b != negated,
                    Err(NotComparable) => false,
                }
            };
            match (lhs_literal, rhs_literal) {
                (Some(l), Some(r)) => {
                    let result = if op == CmpOp::In {
                        match (l.kind(), r.kind()) {
                            (Some(ValueKind::String(a)), Some(ValueKind::String(b))) => {
                                Ok(b.contains(a.as_str()))
                            }
                            _ => cmp(l, r),
                        }
                    } else {
                        cmp(l, r)
                    };
                    push!(verdict(result), value_span(l), describe(l, r, negated));
                }
                (_, Some(r)) => {
                    for result in lhs {
                        let l = match result {
                            QueryResult::Unresolved(ur) => {
                                let (p, a, e) = unresolved_lhs(ur);
                                push!(p, a, e);
                                continue;
                            }
                            QueryResult::Resolved(i) | QueryResult::Literal(i) => i,
                        };
                        if op == CmpOp::Eq {
                            match (r.elements(), l.elements()) {
                                (Some(rl), _) if l.is_scalar() && rl.len() == 1 => {
                                    let only = &rl[0];
                                    push!(
                                        verdict(compare_eq(l, only)),
                                        value_span(l),
                                        describe(l, only, negated),
                                    );
                                }
                                (Some(_), _) => push!(
                                    verdict(compare_eq(l, r)),
                                    value_span(l),
                                    describe(l, r, negated),
                                ),
                                (None, Some(items)) => {
                                    for item in items {
                                        push!(
                                            verdict(compare_eq(&item, r)),
                                            value_span(&item).or_else(|| value_span(l)),
                                            describe(&item, r, negated),
                                        );
                                    }
                                }
                                (None, None) => push!(
                                    verdict(compare_eq(l, r)),
                                    value_span(l),
                                    describe(l, r, negated),
                                ),
                            }
                        } else if matches!(r.kind(), Some(ValueKind::String(_))) {
                            let targets = l.elements().unwrap_or_else(|| vec![l.clone()]);
                            for t in targets {
                                let result = match (t.kind(), r.kind()) {
                                    (Some(ValueKind::String(a)), Some(ValueKind::String(b))) => {
                                        Ok(b.contains(a.as_str()))
                                    }
                                    _ => Err(NotComparable),
                                };
                                push!(
                                    verdict(result),
                                    value_span(&t).or_else(|| value_span(l)),
                                    describe(&t, r, negated),
                                );
                            }
                        } else {
                            push!(
                                verdict(in_cmp(l, r)),
                                value_span(l),
                                describe(l, r, negated),
                            );
                        }
                    }
                }
                _ => {
                    // Query against query: every left value must be matched by some right value.
                    let rights: Vec<&Item<'_>> = rhs.iter().filter_map(QueryResult::item).collect();
                    let rhs_unresolved = rhs.iter().any(|r| r.item().is_none());
                    for result in lhs {
                        let l = match result {
                            QueryResult::Unresolved(ur) => {
                                let (p, a, e) = unresolved_lhs(ur);
                                push!(p, a, e);
                                continue;
                            }
                            QueryResult::Resolved(i) | QueryResult::Literal(i) => i,
                        };
                        if rhs_unresolved {
                            push!(false, value_span(l), format!("{} could not be compared: the right-hand query did not resolve", l.describe()));
                            continue;
                        }
                        let matched = rights.iter().any(|r| cmp(l, r).unwrap_or(false));
                        push!(
                            matched != negated,
                            value_span(l),
                            format!(
                                "{} {} [{}]",
                                l.describe(),
                                if negated {
                                    "must not be in"
                                } else {
                                    "must be in"
                                },
                                rights
                                    .iter()
                                    .map(|r| r.describe())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        );
                    }
                }
            }
        }
        CmpOp::Gt | CmpOp::Ge | CmpOp::Lt | CmpOp::Le => {
            fn flatten<'x>(results: &[QueryResult<'x>]) -> Vec<Result<Item<'x>, Unresolved<'x>>> {
                let mut items = Vec::new();
                for r in results {
                    match r {
                        QueryResult::Unresolved(ur) => items.push(Err(ur.clone())),
                        QueryResult::Resolved(i) | QueryResult::Literal(i) => match i.elements() {
                            Some(elements) => items.extend(elements.into_iter().map(Ok)),
                            None => items.push(Ok(i.clone())),
                        },
                    }
                }
                items
            }
            let rights = flatten(rhs);
            for l in flatten(lhs) {
                let l = match l {
                    Ok(l) => l,
                    Err(ur) => {
                        let (p, a, e) = unresolved_lhs(&ur);
                        push!(p, a, e);
                        continue;
                    }
                };
                for r in &rights {
                    match r {
                        Ok(r) => {
                            let pass = match compare_order(&l, r, op) {
                                Ok(b) => b != negated,
                                Err(NotComparable) => false,
                            };
                            push!(pass, value_span(&l), describe(&l, r, negated));
                        }
                        Err(_) => push!(
                            false,
                            value_span(&l),
                            format!(
                                "{} could not be compared: the right-hand query did not resolve",
                                l.describe()
                            ),
                        ),
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// `l IN r`: membership in a list (a list on the left: every element), else equality.
fn in_cmp(l: &Item<'_>, r: &Item<'_>) -> Cmp {
    match (l.elements(), r.elements()) {
        (Some(left), Some(right)) => {
            if right.first().is_some_and(Item::is_list) {
                return Ok(right
                    .iter()
                    .any(|item| compare_eq(l, item).unwrap_or(false)));
            }
            Ok(left.iter().all(|item| list_contains(&right, item)))
        }
        (Some(_), None) => Err(NotComparable),
        (None, Some(right)) => Ok(list_contains(&right, l)),
        (None, None) => compare_eq(l, r),
    }
}
