//! `Fn::ForEach` of the `AWS::LanguageExtensions` transform: a loop that writes one entry
//! per item of a collection, its identifier replaced in keys and values (`${Id}`, `&{Id}`
//! for the item without its non-alphanumeric characters, and `Ref: Id`), in the
//! `Resources`, `Outputs` and `Conditions` sections and inside values
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html>).
//! Loops nest up to five levels, as CloudFormation allows.

use super::Resolver;
use stet_graph::{Map, Value, ValueKind};

/// How deep loops may nest.
const MAX_NESTING: usize = 5;

impl Resolver<'_> {
    /// `map` with its `Fn::ForEach::*` entries replaced by the entries they write. A loop
    /// whose collection is unknown writes nothing, with a warning.
    pub(crate) fn expand_loops(&mut self, map: &Map) -> Map {
        if !map.keys().any(|k| k.starts_with("Fn::ForEach::")) {
            return map.clone();
        }
        self.expand_at(map, 0)
    }

    fn expand_at(&mut self, map: &Map, depth: usize) -> Map {
        let mut out = Map::new();
        for entry in map.iter() {
            if !entry.key.starts_with("Fn::ForEach::") {
                out.insert(
                    entry.key.clone(),
                    entry.key_span.clone(),
                    entry.value.clone(),
                );
                continue;
            }
            if depth >= MAX_NESTING {
                self.warn(
                    &entry.key_span,
                    format!(
                        "`{}` nests loops deeper than {MAX_NESTING} levels; it is not expanded",
                        entry.key
                    ),
                );
                continue;
            }
            let parts = entry.value.as_list().unwrap_or_default();
            let (Some(identifier), Some(collection), Some(body)) = (
                parts.first().and_then(Value::as_str),
                parts.get(1),
                parts.get(2).and_then(Value::as_map),
            ) else {
                self.warn(
                    &entry.value.span,
                    format!(
                        "`{}` must be a list of an identifier, a collection and a template",
                        entry.key
                    ),
                );
                continue;
            };
            let (resolved, _) = self.value(collection);
            let items: Option<Vec<String>> = resolved
                .as_ref()
                .and_then(Value::as_list)
                .and_then(|l| l.iter().map(Value::to_display_string).collect());
            let Some(items) = items else {
                self.warn(
                    &collection.span,
                    format!("the collection of `{}` is not known before deployment; the entries it writes are left out", entry.key),
                );
                continue;
            };
            for item in items {
                if !self.spend(body.len().max(1)) {
                    return out;
                }
                let written = substitute_map(body, identifier, &item);
                for inner in self.expand_at(&written, depth + 1) {
                    out.insert(inner.key, inner.key_span, inner.value);
                }
            }
        }
        out
    }
}

fn substitute_map(map: &Map, identifier: &str, item: &str) -> Map {
    let mut out = Map::new();
    for entry in map.iter() {
        out.insert(
            substitute_text(&entry.key, identifier, item),
            entry.key_span.clone(),
            substitute(&entry.value, identifier, item),
        );
    }
    out
}

/// `value` with the loop's identifier replaced by `item`.
fn substitute(value: &Value, identifier: &str, item: &str) -> Value {
    let kind = match &value.kind {
        ValueKind::String(s) => ValueKind::String(substitute_text(s, identifier, item)),
        ValueKind::List(items) => ValueKind::List(
            items
                .iter()
                .map(|i| substitute(i, identifier, item))
                .collect(),
        ),
        ValueKind::Map(map) => {
            if map.len() == 1 && map.get("Ref").and_then(Value::as_str) == Some(identifier) {
                return Value::string(item, value.span.clone());
            }
            ValueKind::Map(substitute_map(map, identifier, item))
        }
        other => other.clone(),
    };
    Value::new(kind, value.span.clone())
}

fn substitute_text(text: &str, identifier: &str, item: &str) -> String {
    let alphanumeric: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
    text.replace(&format!("${{{identifier}}}"), item)
        .replace(&format!("&{{{identifier}}}"), &alphanumeric)
}
