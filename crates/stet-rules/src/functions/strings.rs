//! The string functions (cfn-guard's "String Manipulation"): `json_parse`,
//! `regex_replace`, `join`, `to_lower`, `to_upper`, `substring`, `url_decode`.

use super::{error, make, unevaluatable, Call, Function};
use crate::eval::{Fault, R};
use crate::literal::LitKind;
use crate::value::{Node, QueryResult, View};
use std::rc::Rc;

/// The string functions (cfn-guard's "String Manipulation").
pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "json_parse",
        arity: 1,
        body: json_parse,
    },
    Function {
        name: "regex_replace",
        arity: 3,
        body: regex_replace,
    },
    Function {
        name: "join",
        arity: 2,
        body: join,
    },
    Function {
        name: "to_lower",
        arity: 1,
        body: to_lower,
    },
    Function {
        name: "to_upper",
        arity: 1,
        body: to_upper,
    },
    Function {
        name: "substring",
        arity: 3,
        body: substring,
    },
    Function {
        name: "url_decode",
        arity: 1,
        body: url_decode,
    },
];

/// `json_parse(query)`: each string parsed as YAML or JSON.
fn json_parse<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let mut out = Vec::new();
    for v in c.nodes() {
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
    Ok(out)
}
/// Argument `n` of `regex_replace`, which must be a string (`which` names it in messages).
fn string_argument(c: &Call<'_, '_>, n: usize, which: &str) -> R<String> {
    match c
        .first(n)?
        .node()
        .and_then(|n| n.as_str().map(str::to_string))
    {
        Some(s) => Ok(s),
        None => error(format!("{}: the {which} argument must be a string", c.name)),
    }
}
/// `regex_replace(query, pattern, replacement)`: for each string, the expansions of
/// `replacement` for each match.
fn regex_replace<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let pattern = string_argument(c, 1, "second")?;
    let replacement = string_argument(c, 2, "third")?;
    // Compiled once, at the first string (a pattern with no string to apply to is
    // not compiled, so its errors do not show).
    let mut compiled = None;
    let mut out = Vec::new();
    for v in c.nodes() {
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
    Ok(out)
}
/// Argument `n` of `substring`, an offset into the string (`which` names it in messages).
fn offset_argument(c: &Call<'_, '_>, n: usize, which: &str) -> R<usize> {
    let value = match c.first(n)?.node().map(Node::view) {
        Some(View::Int(i)) => i,
        Some(View::Float(f)) if f.is_finite() => f as i64,
        _ => return error(format!("substring: the {which} argument must be a number")),
    };
    usize::try_from(value).or_else(|_| {
        error(format!(
            "substring: the {which} argument must be an offset into the string, which {value} is not"
        ))
    })
}
/// `substring(query, from, to)`: characters `from..to` of each string long enough.
fn substring<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let from = offset_argument(c, 1, "second")?;
    let to = offset_argument(c, 2, "third")?;
    let mut out = Vec::new();
    for v in c.nodes() {
        let Some(s) = v.as_str() else { continue };
        let length = s.chars().count();
        if !s.is_empty() && from < to && from <= length && to <= length {
            let sub: String = s.chars().skip(from).take(to - from).collect();
            out.push(make(LitKind::String(sub), v.span()));
        }
    }
    Ok(out)
}
/// Each string of the first argument converted by `convert`.
fn each_string<'a>(c: &Call<'_, 'a>, convert: impl Fn(&str) -> Option<String>) -> Vec<Node<'a>> {
    c.nodes()
        .filter_map(|v| Some(make(LitKind::String(convert(v.as_str()?)?), v.span())))
        .collect()
}
/// `to_upper(query)`.
fn to_upper<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    Ok(each_string(c, |s| Some(s.to_uppercase())))
}
/// `to_lower(query)`.
fn to_lower<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    Ok(each_string(c, |s| Some(s.to_lowercase())))
}
/// `url_decode(query)`: each string percent-decoded.
fn url_decode<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    Ok(each_string(c, percent_decode))
}
/// `join(query, delimiter)`: the strings joined, at the first one.
fn join<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let delimiter = match c.first(1)?.node().map(Node::view) {
        Some(View::Str(s)) => s.to_string(),
        Some(View::Char(ch)) => ch.to_string(),
        _ => return error("join: the second argument must be a string or a character".into()),
    };
    let values = c.values();
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
    Ok(vec![make(
        LitKind::String(parts.join(&delimiter)),
        &c.first_place(),
    )])
}
/// Percent-decoding as the `urlencoding` crate does it: `%XX` becomes the byte, a malformed
/// escape stays as written, `+` stays `+`; `None` when the bytes are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_decoding_keeps_plus_and_malformed_escapes() {
        assert_eq!(percent_decode("a%20b+c%2Fd").as_deref(), Some("a b+c/d"));
        assert_eq!(percent_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%ff"), None);
    }
}
