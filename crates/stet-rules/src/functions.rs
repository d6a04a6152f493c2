//! The built-in functions of the rule language (cfn-guard 3.x): each takes the values of
//! its arguments' queries and returns values. Unknown names and wrong argument counts are
//! caught when a file is loaded (`parse`); here a call only computes.

use crate::value::{Item, QueryResult};
use std::rc::Rc;
use stet_graph::{Span, Value, ValueKind};

/// Every function, with its smallest and largest argument count.
const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("count", 1, 1),
    ("json_parse", 1, 1),
    ("regex_replace", 3, 3),
    ("join", 2, 2),
    ("substring", 3, 3),
    ("to_upper", 1, 1),
    ("to_lower", 1, 1),
    ("url_decode", 1, 1),
    ("parse_boolean", 1, 1),
    ("parse_float", 1, 1),
    ("parse_int", 1, 1),
    ("parse_string", 1, 1),
    ("parse_char", 1, 1),
    ("now", 0, 0),
    ("parse_epoch", 1, 1),
];

/// The functions' names, for messages.
pub const NAMES: &[&str] = &[
    "count",
    "json_parse",
    "regex_replace",
    "join",
    "substring",
    "to_upper",
    "to_lower",
    "url_decode",
    "parse_boolean",
    "parse_float",
    "parse_int",
    "parse_string",
    "parse_char",
    "now",
    "parse_epoch",
];

/// The argument counts `name` accepts, or `None` when there is no such function.
pub(crate) fn arity(name: &str) -> Option<(usize, usize)> {
    FUNCTIONS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, min, max)| (*min, *max))
}

fn owned<'a>(kind: ValueKind, span: &Span) -> QueryResult<'a> {
    QueryResult::Resolved(Item::Owned(Rc::new(Value::new(kind, span.clone()))))
}

fn strings<'a, 'b>(
    values: &'b [QueryResult<'a>],
) -> impl Iterator<Item = (&'b QueryResult<'a>, Option<String>)> {
    values.iter().map(|v| {
        (
            v,
            v.item()
                .and_then(|i| i.value())
                .and_then(|v| v.as_str().map(str::to_string)),
        )
    })
}

fn first_string(values: Option<&Vec<QueryResult<'_>>>) -> Option<String> {
    values?
        .first()?
        .item()?
        .value()?
        .as_str()
        .map(str::to_string)
}

fn first_int(values: Option<&Vec<QueryResult<'_>>>) -> Option<i64> {
    match values?.first()?.item()?.kind()? {
        ValueKind::Int(i) => Some(*i),
        ValueKind::Float(f) => Some(*f as i64),
        _ => None,
    }
}

/// Calls `name` on the values of its arguments. Values a function cannot use (a number where
/// it wants a string) are passed over, as cfn-guard does.
pub(crate) fn call<'a>(
    name: &str,
    args: &[Vec<QueryResult<'a>>],
    span: &Span,
) -> Vec<QueryResult<'a>> {
    let first = args.first().map(Vec::as_slice).unwrap_or(&[]);
    // A value computed from a document string keeps that string's place, so a failure on
    // it points into the document, not at the call in the rule file.
    let map_strings = |f: &dyn Fn(&str, &Span) -> Option<ValueKind>| -> Vec<QueryResult<'a>> {
        strings(first)
            .filter_map(|(v, s)| {
                let at = v
                    .item()
                    .and_then(|i| i.value())
                    .map_or_else(|| span.clone(), |v| v.span.clone());
                s.and_then(|s| f(&s, &at)).map(|k| owned(k, &at))
            })
            .collect()
    };
    match name {
        "count" => vec![owned(
            ValueKind::Int(first.iter().filter(|v| v.item().is_some()).count() as i64),
            span,
        )],
        "json_parse" => map_strings(&|s, at| {
            stet_graph::parse_json(at.file.clone(), s, &Default::default())
                .ok()
                .flatten()
                .map(|v| v.respanned(at).kind)
        }),
        "regex_replace" => {
            let (Some(pattern), Some(replacement)) =
                (first_string(args.get(1)), first_string(args.get(2)))
            else {
                return Vec::new();
            };
            let Ok(regex) = fancy_regex::Regex::new(&pattern) else {
                return Vec::new();
            };
            map_strings(&|s, _| {
                Some(ValueKind::String(
                    regex.replace_all(s, replacement.as_str()).into_owned(),
                ))
            })
        }
        "join" => {
            let Some(delimiter) = first_string(args.get(1)) else {
                return Vec::new();
            };
            let mut parts = Vec::new();
            for v in first {
                match v.item().and_then(|i| i.kind()) {
                    Some(ValueKind::String(s)) => parts.push(s.clone()),
                    Some(ValueKind::List(items)) => {
                        parts.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)))
                    }
                    _ => {}
                }
            }
            vec![owned(ValueKind::String(parts.join(&delimiter)), span)]
        }
        "substring" => {
            let (Some(from), Some(to)) = (first_int(args.get(1)), first_int(args.get(2))) else {
                return Vec::new();
            };
            map_strings(&|s, _| {
                let chars: Vec<char> = s.chars().collect();
                let (from, to) = (usize::try_from(from).ok()?, usize::try_from(to).ok()?);
                (from <= to && to <= chars.len())
                    .then(|| ValueKind::String(chars.get(from..to).unwrap_or(&[]).iter().collect()))
            })
        }
        "to_upper" => map_strings(&|s, _| Some(ValueKind::String(s.to_uppercase()))),
        "to_lower" => map_strings(&|s, _| Some(ValueKind::String(s.to_lowercase()))),
        "url_decode" => map_strings(&|s, _| url_decode(s).map(ValueKind::String)),
        "parse_boolean" => first
            .iter()
            .filter_map(|v| match v.item()?.kind()? {
                ValueKind::Bool(b) => Some(ValueKind::Bool(*b)),
                ValueKind::String(s) => match s.to_ascii_lowercase().as_str() {
                    "true" => Some(ValueKind::Bool(true)),
                    "false" => Some(ValueKind::Bool(false)),
                    _ => None,
                },
                _ => None,
            })
            .map(|k| owned(k, span))
            .collect(),
        "parse_float" => first
            .iter()
            .filter_map(|v| match v.item()?.kind()? {
                ValueKind::Int(i) => Some(ValueKind::Float(*i as f64)),
                ValueKind::Float(f) => Some(ValueKind::Float(*f)),
                ValueKind::String(s) => s.trim().parse::<f64>().ok().map(ValueKind::Float),
                _ => None,
            })
            .map(|k| owned(k, span))
            .collect(),
        "parse_int" => first
            .iter()
            .filter_map(|v| match v.item()?.kind()? {
                ValueKind::Int(i) => Some(ValueKind::Int(*i)),
                ValueKind::Float(f) => Some(ValueKind::Int(*f as i64)),
                ValueKind::String(s) => s.trim().parse::<i64>().ok().map(ValueKind::Int),
                _ => None,
            })
            .map(|k| owned(k, span))
            .collect(),
        "parse_string" => first
            .iter()
            .filter_map(|v| {
                let value = v.item()?.value()?;
                match &value.kind {
                    ValueKind::List(_) | ValueKind::Map(_) => None,
                    ValueKind::Null => Some(ValueKind::String("null".into())),
                    _ => value.to_display_string().map(ValueKind::String),
                }
            })
            .map(|k| owned(k, span))
            .collect(),
        "parse_char" => map_strings(&|s, _| {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Some(ValueKind::String(c.to_string())),
                _ => None,
            }
        }),
        "now" => {
            let seconds = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            vec![owned(ValueKind::Int(seconds), span)]
        }
        "parse_epoch" => map_strings(&|s, _| parse_epoch(s).map(ValueKind::Int)),
        _ => Vec::new(),
    }
}

fn url_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'%') => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            Some(b'+') => {
                out.push(b' ');
                i += 1;
            }
            Some(b) => {
                out.push(*b);
                i += 1;
            }
            None => break,
        }
    }
    String::from_utf8(out).ok()
}

/// Seconds since the epoch for an RFC 3339 timestamp (`2024-01-31T12:00:00Z`,
/// `2024-01-31T12:00:00+02:00`, fractional seconds allowed).
fn parse_epoch(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let mut d = date.split('-');
    let (year, month, day): (i64, i64, i64) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    let (time, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => (rest.get(..i)?, rest.get(i..)?),
        None => (rest, "Z"),
    };
    let mut t = time.split(':');
    let hour: i64 = t.next()?.parse().ok()?;
    let minute: i64 = t.next()?.parse().ok()?;
    let second: f64 = t.next().unwrap_or("0").parse().ok()?;
    let offset_seconds = match offset {
        "Z" | "z" => 0,
        o => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (h, m) = o
                .get(1..)?
                .split_once(':')
                .unwrap_or((o.get(1..3)?, o.get(3..).unwrap_or("0")));
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().unwrap_or(0) * 60)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second as i64 - offset_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_parsing() {
        assert_eq!(parse_epoch("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_epoch("2024-01-31T12:00:00Z"), Some(1_706_702_400));
        assert_eq!(
            parse_epoch("2024-01-31T14:00:00+02:00"),
            Some(1_706_702_400)
        );
    }

    #[test]
    fn url_decoding() {
        assert_eq!(url_decode("a%20b+c%2Fd").as_deref(), Some("a b c/d"));
        assert_eq!(url_decode("%zz"), None);
    }
}
