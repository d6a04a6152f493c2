//! [`Resolved`]: a document as it evaluates for one set of inputs — a CloudFormation template
//! with its parameters' values, mappings and conditions applied — and the [`Origin`]s that
//! say which inputs each computed value came from. Computing it is the parser crate's job
//! (`stet-cloudformation`); rules and the diff read it.

use crate::{Span, Value};

/// A document evaluated for one set of inputs, beside the document as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The evaluated document. Values that only deployment knows (a resource's `Ref`, a
    /// pseudo parameter without a value) are [`crate::ValueKind::Expr`]s whose text shows
    /// them as `${Name}` placeholders.
    pub document: Value,
    /// Where computed values came from, one entry per place an input is used.
    pub origins: Vec<Origin>,
}

/// The inputs a value computed at one place depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// Where the computed value is written in the document (the intrinsic function, or the
    /// branch of `Fn::If` chosen).
    pub used_at: Span,
    /// The inputs, in the order they were read.
    pub inputs: Vec<Input>,
}

/// One input of a computed value: a parameter's value, a mapping entry, a condition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Input {
    /// What it is: `parameter ImageTag`, `mapping RegionMap`, `condition IsProd`.
    pub name: String,
    /// The value it had, as text (`latest`, `true`), or `None` when it is unknown or
    /// secret (a `NoEcho` parameter).
    pub value: Option<String>,
    /// Where that value was given: `default`, `parameters.json`, `--parameter`,
    /// `stet.toml`, `samconfig.toml`, `mapping`, `condition`.
    pub via: String,
    /// Where the value is written (a default, a parameters-file entry, a mapping entry, a
    /// condition); `None` for a value given on the command line.
    pub span: Option<Span>,
}

impl Input {
    /// The input for messages: ``parameter `ImageTag` = `latest` (default, template.yaml:5:14)``.
    ///
    /// ```
    /// let input = stet_graph::Input { name: "parameter `Env`".into(), value: Some("prod".into()),
    ///     via: "--parameter".into(), span: None };
    /// assert_eq!(input.describe(), "parameter `Env` = `prod` (--parameter)");
    /// ```
    pub fn describe(&self) -> String {
        let value = self
            .value
            .as_deref()
            .map(|v| format!(" = `{v}`"))
            .unwrap_or_default();
        let via = match self.via.as_str() {
            "condition" | "mapping" => None,
            via => Some(via),
        };
        match (via, &self.span) {
            (Some(via), Some(span)) => format!("{}{value} ({via}, {span})", self.name),
            (Some(via), None) => format!("{}{value} ({via})", self.name),
            (None, Some(span)) => format!("{}{value} ({span})", self.name),
            (None, None) => format!("{}{value}", self.name),
        }
    }
}

impl Resolved {
    /// The inputs of the value written at `span`: those of the innermost place of use that
    /// holds it (a value inside an `Fn::If` branch depends on the condition too).
    pub fn inputs_at(&self, span: &Span) -> Vec<&Input> {
        let holds = |outer: &Span| {
            outer.file == span.file
                && outer.start.offset <= span.start.offset
                && span.end.offset <= outer.end.offset
        };
        let mut places: Vec<&Origin> = self.origins.iter().filter(|o| holds(&o.used_at)).collect();
        places.sort_by_key(|o| o.used_at.end.offset - o.used_at.start.offset);
        let mut out: Vec<&Input> = Vec::new();
        for origin in places {
            for input in &origin.inputs {
                if !out.contains(&input) {
                    out.push(input);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    fn span(start: usize, end: usize) -> Span {
        let at = |offset| Position {
            line: 1,
            column: offset as u32 + 1,
            offset,
        };
        Span {
            file: "t.yaml".into(),
            start: at(start),
            end: at(end),
        }
    }

    fn input(name: &str) -> Input {
        Input {
            name: name.into(),
            value: None,
            via: "default".into(),
            span: None,
        }
    }

    #[test]
    fn inputs_of_nested_places_are_joined_innermost_first() {
        let resolved = Resolved {
            document: Value::string("x", span(0, 0)),
            origins: vec![
                Origin {
                    used_at: span(0, 50),
                    inputs: vec![input("condition `C`")],
                },
                Origin {
                    used_at: span(10, 20),
                    inputs: vec![input("parameter `P`")],
                },
            ],
        };
        let names: Vec<&str> = resolved
            .inputs_at(&span(12, 15))
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(names, ["parameter `P`", "condition `C`"]);
        assert!(resolved.inputs_at(&span(60, 61)).is_empty());
    }
}
