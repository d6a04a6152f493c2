//! The `Conditions` section: each condition evaluated once, to `true`, `false` or unknown
//! (when it depends on a value only deployment knows), with `Fn::Equals`, `Fn::And`,
//! `Fn::Or`, `Fn::Not` and `Condition` as the template reference defines them
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>).
//! `And` and `Or` follow three-valued logic: one false operand makes `And` false whatever
//! the unknown ones are.

use super::{join, symbolic, Inputs, Resolver};
use stet_graph::{Input, Span, Value, ValueKind};

/// How many conditions may be evaluated inside one another.
const MAX_CHAIN: usize = 128;

impl Resolver<'_> {
    /// The value of condition `name`, referred to at `at`, and the inputs it depends on
    /// (itself included). Unknown, with a warning, when the template does not define it or
    /// it refers to itself.
    pub(crate) fn condition(&mut self, name: &str, at: &Span) -> (Option<bool>, Inputs) {
        if let Some((value, inputs)) = self.conditions.get(name) {
            return (*value, inputs.clone());
        }
        let Some(definition) = self
            .condition_definitions
            .and_then(|c| c.entry(name))
            .cloned()
        else {
            self.warn(
                at,
                format!("condition `{name}` is not defined in this template's `Conditions`"),
            );
            return (None, Vec::new());
        };
        // Conditions may refer to each other in chains; a chain deeper than any real template
        // is cut short rather than allowed to exhaust the stack.
        if self.evaluating.len() >= MAX_CHAIN {
            self.warn(
                at,
                format!("condition `{name}` is reached through more than {MAX_CHAIN} other conditions; it is left unknown"),
            );
            return (None, Vec::new());
        }
        if self.evaluating.iter().any(|n| n == name) {
            self.warn(
                at,
                format!(
                    "condition `{name}` depends on itself ({} → {name})",
                    self.evaluating.join(" → ")
                ),
            );
            return (None, Vec::new());
        }
        self.evaluating.push(name.to_string());
        let (value, mut inputs) = self.condition_value(&definition.value);
        self.evaluating.pop();
        inputs.insert(
            0,
            Input {
                name: format!("condition `{name}`"),
                value: value.map(|b| b.to_string()),
                via: "condition".to_string(),
                span: Some(definition.key_span.cover(&definition.value.span)),
            },
        );
        self.conditions
            .insert(name.to_string(), (value, inputs.clone()));
        (value, inputs)
    }

    /// Evaluates a condition function.
    fn condition_value(&mut self, value: &Value) -> (Option<bool>, Inputs) {
        let Some(entry) = value
            .as_map()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.iter().next())
        else {
            // A literal `true`/`false` is what `Fn::Equals` and the others evaluate to.
            return match value.to_display_string().as_deref() {
                Some("true") => (Some(true), Vec::new()),
                Some("false") => (Some(false), Vec::new()),
                _ => {
                    self.warn(
                        &value.span,
                        "a condition must be `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` or `Condition`".to_string(),
                    );
                    (None, Vec::new())
                }
            };
        };
        let operands = entry.value.as_list().unwrap_or_default();
        match entry.key.as_str() {
            "Condition" => match entry.value.as_str() {
                Some(name) => self.condition(name, &entry.value.span),
                None => (None, Vec::new()),
            },
            "Fn::Equals" => {
                let (Some(a), Some(b)) = (operands.first(), operands.get(1)) else {
                    self.warn(&value.span, "`Fn::Equals` takes two values".to_string());
                    return (None, Vec::new());
                };
                let (a, mut inputs) = self.value(a);
                let (b, more) = self.value(b);
                join(&mut inputs, more);
                (equals(a.as_ref(), b.as_ref()), inputs)
            }
            "Fn::Not" => {
                let (v, inputs) = match operands.first() {
                    Some(c) => self.condition_value(c),
                    None => (None, Vec::new()),
                };
                (v.map(|b| !b), inputs)
            }
            "Fn::And" | "Fn::Or" => {
                let and = entry.key == "Fn::And";
                let mut inputs = Vec::new();
                let mut unknown = false;
                let mut decided = None;
                for operand in operands {
                    let (v, used) = self.condition_value(operand);
                    join(&mut inputs, used);
                    match v {
                        None => unknown = true,
                        Some(b) if b != and => decided = Some(b),
                        Some(_) => {}
                    }
                }
                let value = match (decided, unknown) {
                    (Some(b), _) => Some(b),
                    (None, true) => None,
                    (None, false) => Some(and),
                };
                (value, inputs)
            }
            _ => {
                self.warn(
                    &value.span,
                    format!("`{}` cannot be used in a condition", entry.key),
                );
                (None, Vec::new())
            }
        }
    }
}

/// `Fn::Equals` of two resolved values: known when both are known (compared as the strings
/// CloudFormation compares), or when both are the same unknown value.
fn equals(a: Option<&Value>, b: Option<&Value>) -> Option<bool> {
    let (a, b) = (a?, b?);
    if a.is_known() && b.is_known() {
        return Some(match (a.to_display_string(), b.to_display_string()) {
            (Some(x), Some(y)) => x == y,
            _ => a.to_json() == b.to_json(),
        });
    }
    match (&a.kind, &b.kind) {
        (ValueKind::Expr(_), ValueKind::Expr(_))
            if symbolic::canonical(a) == symbolic::canonical(b) =>
        {
            Some(true)
        }
        _ => None,
    }
}
