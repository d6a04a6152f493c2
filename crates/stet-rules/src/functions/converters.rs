//! The converter functions: `parse_float`, `parse_int`, `parse_boolean`, `parse_string`,
//! `parse_char` — each value of a kind a function takes converted, others passed over, a
//! value that does not convert making the clause unevaluatable.

use super::{make, unevaluatable, Call, Function};
use crate::eval::R;
use crate::literal::LitKind;
use crate::value::{Node, View};

/// The converter functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "parse_float",
        arity: 1,
        body: parse_float,
    },
    Function {
        name: "parse_int",
        arity: 1,
        body: parse_int,
    },
    Function {
        name: "parse_boolean",
        arity: 1,
        body: parse_boolean,
    },
    Function {
        name: "parse_string",
        arity: 1,
        body: parse_string,
    },
    Function {
        name: "parse_char",
        arity: 1,
        body: parse_char,
    },
];

/// Each value of the first argument converted by `convert`, which skips a value of a kind
/// it does not take (`Ok(None)`) and fails on one it cannot convert.
fn each_converted<'a>(
    c: &Call<'_, 'a>,
    convert: impl Fn(View<'_>) -> R<Option<LitKind>>,
) -> R<Vec<Node<'a>>> {
    let mut out = Vec::new();
    for v in c.nodes() {
        if let Some(kind) = convert(v.view())? {
            out.push(make(kind, v.span()));
        }
    }
    Ok(out)
}
/// `parse_int(query)`.
fn parse_int<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(match view {
            View::Str(s) => match s.parse::<i64>() {
                Ok(i) => LitKind::Int(i),
                Err(_) => {
                    return unevaluatable(format!(
                        "parse_int: cannot convert the string {s:?} into an integer"
                    ))
                }
            },
            View::Int(i) => LitKind::Int(i),
            View::Char(ch) => match ch.to_digit(10) {
                Some(d) => LitKind::Int(i64::from(d)),
                None => {
                    return unevaluatable(format!(
                        "parse_int: cannot convert the character {ch:?} into an integer"
                    ))
                }
            },
            View::Float(f) => LitKind::Int(f as i64),
            _ => return Ok(None),
        }))
    })
}
/// `parse_float(query)`.
fn parse_float<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(match view {
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
            View::Char(ch) => match ch.to_digit(10) {
                Some(d) => LitKind::Float(f64::from(d)),
                None => {
                    return unevaluatable(format!(
                        "parse_float: cannot convert the character {ch:?} into a float"
                    ))
                }
            },
            _ => return Ok(None),
        }))
    })
}
/// `parse_boolean(query)`.
fn parse_boolean<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(match view {
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
            _ => return Ok(None),
        }))
    })
}
/// `parse_string(query)`.
fn parse_string<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(LitKind::String(match view {
            View::Int(i) => i.to_string(),
            View::Float(f) => f.to_string(),
            View::Bool(b) => b.to_string(),
            View::Str(s) => s.to_string(),
            View::Char(ch) => ch.to_string(),
            _ => return Ok(None),
        })))
    })
}
/// `parse_char(query)`.
fn parse_char<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(match view {
            View::Int(i) => match u32::try_from(i)
                .ok()
                .filter(|d| *d <= 9)
                .and_then(|d| char::from_digit(d, 10))
            {
                Some(ch) => LitKind::Char(ch),
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
                    Some(ch) => LitKind::Char(ch),
                    None => return Ok(None),
                }
            }
            View::Char(ch) => LitKind::String(ch.to_string()),
            _ => return Ok(None),
        }))
    })
}
