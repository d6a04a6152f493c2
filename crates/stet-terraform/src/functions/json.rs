//! `jsonencode` and `jsondecode` as go-cty's `json` package does them: keys sorted, no
//! spaces, strings escaped as Go's `encoding/json` does (`<`, `>`, `&`, U+2028 and U+2029 as
//! `\u` escapes), numbers in their shortest exact form; decoding gives objects and tuples.

use super::{any, p, string, Call, FnError, FnResult, Function};
use crate::cty::{Kind, Type, Val};
use stet_graph::Limits;

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "jsondecode",
        params: &[p("str", string)],
        variadic: None,
        returns: any,
        body: |c| json_decode(c, c.str(0)),
    },
    Function {
        name: "jsonencode",
        params: &[p("val", any).null().unknown()],
        variadic: None,
        returns: string,
        body: |c| {
            let v = c.arg(0);
            if !v.is_wholly_known() {
                return super::unknown(c, Type::String);
            }
            let text = json_encode(v).map_err(FnError::Call)?;
            Ok(c.bounded(text)?.encoding_of(v))
        },
    },
];

/// The JSON text of a wholly known value (cty `json.Marshal`); the error names what
/// cannot be written (an infinity).
pub(crate) fn json_encode(v: &Val) -> Result<String, String> {
    let mut out = String::new();
    encode(v, &mut out, false)?;
    Ok(out)
}

/// Like [`json_encode`], with each unknown part written as a string holding its `${...}`
/// text, so rules can still read a `jsonencode` of partly unknown values.
pub(crate) fn json_encode_partial(v: &Val) -> String {
    let mut out = String::new();
    let _ = encode(v, &mut out, true);
    out
}

fn encode(v: &Val, out: &mut String, partial: bool) -> Result<(), String> {
    match &v.kind {
        Kind::Unknown(_, info) if partial => {
            let text = info.as_ref().map_or("${unknown}", |i| i.text.as_str());
            out.push_str(&json_string(text));
        }
        Kind::Unknown(..) => return Err("value is not known".into()),
        Kind::Null(_) => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => {
            if n.is_inf() {
                return Err("cannot serialize infinity as JSON".into());
            }
            out.push_str(&n.text());
        }
        Kind::String(s) => out.push_str(&json_string(s)),
        Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(item, out, partial)?;
            }
            out.push(']');
        }
        Kind::Map(..) | Kind::Object(_) => {
            out.push('{');
            for (i, e) in v
                .sorted_entries()
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(&e.key));
                out.push(':');
                encode(&e.value, out, partial)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// A JSON string as Go's `encoding/json` writes it (HTML-safe).
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `jsondecode`: objects become objects, arrays tuples, numbers keep every digit; a key
/// given twice keeps its last value (Go's decoder).
pub(crate) fn json_decode(c: &Call<'_, '_, '_>, text: &str) -> FnResult {
    let parsed =
        stet_graph::parse_json_keeping_last("<jsondecode>".into(), text, &Limits::default());
    match parsed {
        Ok((Some(value), _)) => Ok(Val::from_graph(&value).respanned(c.span)),
        Ok((None, _)) => c.fail("EOF"),
        Err(e) => Err(FnError::Call(
            e.to_string()
                .trim_start_matches("<jsondecode>:")
                .trim()
                .to_string(),
        )),
    }
}
