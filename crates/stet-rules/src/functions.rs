//! The built-in functions of the rule language, with cfn-guard 3.2.1's semantics: each takes
//! the values of its arguments' queries and returns values. Names and argument counts are
//! checked when a file is parsed; here a call computes, passes over values of kinds it does
//! not take, and fails the way cfn-guard fails — a value it cannot convert makes the clause
//! unevaluatable (`parse_int('x')`), a malformed argument stops the evaluation.

use crate::eval::{Fault, R};
use crate::literal::{Lit, LitKind};
use crate::value::{Node, QueryResult, View};
use std::rc::Rc;
use stet_graph::Span;

/// Every function and the number of arguments it takes.
const FUNCTIONS: &[(&str, usize)] = &[
    ("count", 1),
    ("join", 2),
    ("json_parse", 1),
    ("now", 0),
    ("parse_boolean", 1),
    ("parse_char", 1),
    ("parse_epoch", 1),
    ("parse_float", 1),
    ("parse_int", 1),
    ("parse_string", 1),
    ("regex_replace", 3),
    ("substring", 3),
    ("to_lower", 1),
    ("to_upper", 1),
    ("url_decode", 1),
];

/// The functions' names, for messages.
pub const NAMES: &[&str] = &[
    "count",
    "join",
    "json_parse",
    "now",
    "parse_boolean",
    "parse_char",
    "parse_epoch",
    "parse_float",
    "parse_int",
    "parse_string",
    "regex_replace",
    "substring",
    "to_lower",
    "to_upper",
    "url_decode",
];

/// The number of arguments `name` takes, or `None` when there is no such function.
pub(crate) fn arity(name: &str) -> Option<usize> {
    FUNCTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, count)| *count)
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

/// The first value of argument `n`; cfn-guard stops (a panic) when an argument selected
/// nothing, and so does this, with an error.
fn first<'r, 'a>(args: &'r [Vec<QueryResult<'a>>], n: usize, name: &str) -> R<&'r QueryResult<'a>> {
    match args.get(n).and_then(|a| a.first()) {
        Some(v) => Ok(v),
        None => error(format!("{name}: argument {} selected no value", n + 1)),
    }
}

/// Calls `name` on the values of its arguments (`span` is the call in the rule file).
pub(crate) fn call<'a>(
    name: &str,
    args: &[Vec<QueryResult<'a>>],
    span: &Span,
) -> R<Vec<QueryResult<'a>>> {
    let empty = Vec::new();
    let values = args.first().unwrap_or(&empty);
    let out: Vec<Node<'a>> = match name {
        "count" => {
            let n = values.iter().filter(|v| v.node().is_some()).count();
            let at = values
                .first()
                .map(|v| match v {
                    QueryResult::Resolved(n) | QueryResult::Literal(n) => n.span().clone(),
                    QueryResult::Unresolved(ur) => ur.traversed_to.span().clone(),
                })
                .unwrap_or_else(|| span.clone());
            vec![make(
                LitKind::Int(i64::try_from(n).unwrap_or(i64::MAX)),
                &at,
            )]
        }
        "json_parse" => {
            let mut out = Vec::new();
            for v in values.iter().filter_map(QueryResult::node) {
                if let Some(s) = v.as_str() {
                    match crate::data::parse_test_yaml(v.span().file.clone(), s) {
                        // Each part where it was written, when the document knows (a
                        // Terraform heredoc's lines, the value a `jsonencode` encoded);
                        // else at the string.
                        Ok(Some(value)) => out.push(Node::OwnedDoc(Rc::new(match v.document() {
                            Some(string) => string.place_decoded(value),
                            None => value.respanned(v.span()),
                        }))),
                        Ok(None) => out.push(make(LitKind::Null, v.span())),
                        Err(e) => return error(format!("json_parse: {e}")),
                    }
                }
            }
            out
        }
        "regex_replace" => {
            let pattern = match first(args, 1, name)?
                .node()
                .and_then(|n| n.as_str().map(str::to_string))
            {
                Some(p) => p,
                None => return error("regex_replace: the second argument must be a string".into()),
            };
            let replacement = match first(args, 2, name)?
                .node()
                .and_then(|n| n.as_str().map(str::to_string))
            {
                Some(r) => r,
                None => return error("regex_replace: the third argument must be a string".into()),
            };
            // Compiled once, at the first string (a pattern with no string to apply to is
            // not compiled, so its errors do not show).
            let mut compiled = None;
            let mut out = Vec::new();
            for v in values.iter().filter_map(QueryResult::node) {
                let Some(s) = v.as_str() else { continue };
                if compiled.is_none() {
                    compiled = Some(
                        crate::literal::compile_regex(&pattern)
                            .map_err(|e| Fault::Error(format!("regex_replace: {e}"), None))?,
                    );
                }
                let Some(regex) = compiled.as_ref() else {
                    continue;
                };
                // cfn-guard keeps only the expansion of each match, not the text around it.
                let mut replaced = String::new();
                for captures in regex.captures_iter(s) {
                    let captures =
                        captures.map_err(|e| Fault::Error(format!("regex_replace: {e}"), None))?;
                    captures.expand(&replacement, &mut replaced);
                }
                out.push(make(LitKind::String(replaced), v.span()));
            }
            out
        }
        "substring" => {
            let bound = |n: usize, which: &str| -> R<usize> {
                let value = match first(args, n, name)?.node().map(Node::view) {
                    Some(View::Int(i)) => i,
                    Some(View::Float(f)) if f.is_finite() => f as i64,
                    _ => return error(format!("substring: the {which} argument must be a number")),
                };
                usize::try_from(value).or_else(|_| {
                    error(format!(
                        "substring: the {which} argument must be an offset into the string, which {value} is not"
                    ))
                })
            };
            let from = bound(1, "second")?;
            let to = bound(2, "third")?;
            let mut out = Vec::new();
            for v in values.iter().filter_map(QueryResult::node) {
                let Some(s) = v.as_str() else { continue };
                let length = s.chars().count();
                if !s.is_empty() && from < to && from <= length && to <= length {
                    let sub: String = s.chars().skip(from).take(to - from).collect();
                    out.push(make(LitKind::String(sub), v.span()));
                }
            }
            out
        }
        "to_upper" | "to_lower" => values
            .iter()
            .filter_map(QueryResult::node)
            .filter_map(|v| {
                let s = v.as_str()?;
                let converted = if name == "to_upper" {
                    s.to_uppercase()
                } else {
                    s.to_lowercase()
                };
                Some(make(LitKind::String(converted), v.span()))
            })
            .collect(),
        "join" => {
            let delimiter = match first(args, 1, name)?.node().map(Node::view) {
                Some(View::Str(s)) => s.to_string(),
                Some(View::Char(c)) => c.to_string(),
                _ => {
                    return error(
                        "join: the second argument must be a string or a character".into(),
                    )
                }
            };
            let mut parts = Vec::with_capacity(values.len());
            for v in values {
                match v {
                    QueryResult::Resolved(n) | QueryResult::Literal(n) => match n.as_str() {
                        Some(s) => parts.push(s.to_string()),
                        None => {
                            return unevaluatable(format!(
                                "join: cannot join a {} ({})",
                                n.type_name(),
                                n.describe()
                            ))
                        }
                    },
                    QueryResult::Unresolved(ur) => {
                        return unevaluatable(format!(
                            "join: a value to join did not resolve ({})",
                            ur.reason
                        ))
                    }
                }
            }
            let at = values
                .first()
                .map(|v| match v {
                    QueryResult::Resolved(n) | QueryResult::Literal(n) => n.span().clone(),
                    QueryResult::Unresolved(ur) => ur.traversed_to.span().clone(),
                })
                .unwrap_or_else(|| span.clone());
            vec![make(LitKind::String(parts.join(&delimiter)), &at)]
        }
        "url_decode" => values
            .iter()
            .filter_map(QueryResult::node)
            .filter_map(|v| {
                let decoded = url_decode(v.as_str()?)?;
                Some(make(LitKind::String(decoded), v.span()))
            })
            .collect(),
        "parse_int" => {
            let mut out = Vec::new();
            for v in values.iter().filter_map(QueryResult::node) {
                let kind = match v.view() {
                    View::Str(s) => match s.parse::<i64>() {
                        Ok(i) => LitKind::Int(i),
                        Err(_) => {
                            return unevaluatable(format!(
                                "parse_int: cannot convert the string {s:?} into an integer"
                            ))
                        }
                    },
                    View::Int(i) => LitKind::Int(i),
                    View::Char(c) => match c.to_digit(10) {
                        Some(d) => LitKind::Int(i64::from(d)),
                        None => {
                            return unevaluatable(format!(
                                "parse_int: cannot convert the character {c:?} into an integer"
                            ))
                        }
                    },
                    View::Float(f) => LitKind::Int(f as i64),
                    _ => continue,
                };
                out.push(make(kind, v.span()));
            }
            out
        }
        "parse_float" => {
            let mut out = Vec::new();
            for v in values.iter().filter_map(QueryResult::node) {
                let kind = match v.view() {
                    View::Str(s) => match s.parse::<f64>() {
                        Ok(f) => LitKind::Float(f),
                        Err(_) => {
                            return unevaluatable(format!(
                                "parse_float: cannot convert the string {s:?} into a float"
                            ))
                        }
                    },
                    View::Int(i) => LitKind::Float(i as f64),
                    View::Float(f) => LitKind::Float(f),
                    View::Char(c) => match c.to_digit(10) {
                        Some(d) => LitKind::Float(f64::from(d)),
                        None => {
                            return unevaluatable(format!(
                                "parse_float: cannot convert the character {c:?} into a float"
                            ))
                        }
                    },
                    _ => continue,
                };
                out.push(make(kind, v.span()));
            }
            out
        }
        "parse_boolean" => {
            let mut out = Vec::new();
            for v in values.iter().filter_map(QueryResult::node) {
                let kind = match v.view() {
                    View::Bool(b) => LitKind::Bool(b),
                    View::Str(s) => match s.to_lowercase().as_str() {
                        "true" => LitKind::Bool(true),
                        "false" => LitKind::Bool(false),
                        _ => {
                            return unevaluatable(format!(
                                "parse_boolean: cannot convert the string {s:?} into a boolean"
                            ))
                        }
                    },
                    _ => continue,
                };
                out.push(make(kind, v.span()));
            }
            out
        }
        "parse_string" => values
            .iter()
            .filter_map(QueryResult::node)
            .filter_map(|v| {
                let s = match v.view() {
                    View::Int(i) => i.to_string(),
                    View::Float(f) => f.to_string(),
                    View::Bool(b) => b.to_string(),
                    View::Str(s) => s.to_string(),
                    View::Char(c) => c.to_string(),
                    _ => return None,
                };
                Some(make(LitKind::String(s), v.span()))
            })
            .collect(),
        "parse_char" => {
            let mut out = Vec::new();
            for v in values.iter().filter_map(QueryResult::node) {
                let kind = match v.view() {
                    View::Int(i) => match u32::try_from(i)
                        .ok()
                        .filter(|d| *d <= 9)
                        .and_then(|d| char::from_digit(d, 10))
                    {
                        Some(c) => LitKind::Char(c),
                        None => {
                            return unevaluatable(format!(
                                "parse_char: cannot convert the integer {i} into a character"
                            ))
                        }
                    },
                    View::Str(s) => {
                        if s.len() > 1 {
                            return unevaluatable(format!(
                                "parse_char: cannot convert the string {s:?} into a character"
                            ));
                        }
                        match s.chars().next() {
                            Some(c) => LitKind::Char(c),
                            None => continue,
                        }
                    }
                    View::Char(c) => LitKind::String(c.to_string()),
                    _ => continue,
                };
                out.push(make(kind, v.span()));
            }
            out
        }
        "parse_epoch" => {
            let mut out = Vec::new();
            for v in values.iter().filter_map(QueryResult::node) {
                let Some(s) = v.as_str() else { continue };
                match parse_rfc3339(s) {
                    Some(epoch) => out.push(make(LitKind::Int(epoch), v.span())),
                    None => {
                        return unevaluatable(format!(
                            "parse_epoch: {s:?} is not an RFC 3339 date and time"
                        ))
                    }
                }
            }
            out
        }
        "now" => {
            let seconds = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            vec![make(LitKind::Int(seconds), span)]
        }
        _ => return error(format!("no function named `{name}`")),
    };
    Ok(out.into_iter().map(QueryResult::Resolved).collect())
}

/// Percent-decoding as the `urlencoding` crate does it: `%XX` becomes the byte, a malformed
/// escape stays as written, `+` stays `+`; `None` when the bytes are not UTF-8.
fn url_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |b: u8| (b as char).to_digit(16);
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
            out.push(b);
            i += 1;
            continue;
        }
        match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(&h), Some(&l)) => match (hex(h), hex(l)) {
                (Some(h), Some(l)) => {
                    out.push(u8::try_from(h * 16 + l).unwrap_or(0));
                    i += 3;
                }
                (Some(_), None) => {
                    out.extend_from_slice(&[b'%', h]);
                    i += 2;
                }
                (None, _) => {
                    out.push(b'%');
                    i += 1;
                }
            },
            _ => {
                out.extend_from_slice(bytes.get(i..).unwrap_or(&[]));
                break;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Seconds since the epoch for an RFC 3339 date and time (`2024-01-31T12:00:00Z`,
/// `2024-01-31t12:00:00.5+02:00`, `2024-01-31 12:00:00-05:00`); `None` for anything else.
fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<i64> {
        let part = s.get(from..from + n)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let year = digits(0, 4)?;
    (b.get(4) == Some(&b'-')).then_some(())?;
    let month = digits(5, 2)?;
    (b.get(7) == Some(&b'-')).then_some(())?;
    let day = digits(8, 2)?;
    matches!(b.get(10), Some(b'T' | b't' | b' ')).then_some(())?;
    let hour = digits(11, 2)?;
    (b.get(13) == Some(&b':')).then_some(())?;
    let minute = digits(14, 2)?;
    (b.get(16) == Some(&b':')).then_some(())?;
    let second = digits(17, 2)?;
    let mut at = 19;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        (at > start).then_some(())?;
    }
    let offset = match b.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let h = digits(at + 1, 2)?;
            (b.get(at + 3) == Some(&b':')).then_some(())?;
            let m = digits(at + 4, 2)?;
            (h < 24 && m < 60).then_some(())?;
            at += 6;
            let total = h * 3600 + m * 60;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    (at == b.len()).then_some(())?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (day >= 1 && day <= days_in_month && hour < 24 && minute < 60 && second <= 60).then_some(())?;
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    // A leap second is read as the next second, as chrono reads it.
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_parsing() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2024-01-31T12:00:00Z"), Some(1_706_702_400));
        assert_eq!(
            parse_rfc3339("2024-01-31T14:00:00+02:00"),
            Some(1_706_702_400)
        );
        assert_eq!(
            parse_rfc3339("2024-01-31t12:00:00.25z"),
            Some(1_706_702_400)
        );
        assert_eq!(parse_rfc3339("2024-02-30T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2024-01-31"), None);
    }

    #[test]
    fn url_decoding_keeps_plus_and_malformed_escapes() {
        assert_eq!(url_decode("a%20b+c%2Fd").as_deref(), Some("a b+c/d"));
        assert_eq!(url_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(url_decode("%ff"), None);
    }
}
