//! Encoding functions: base64 (`base64encode`, `base64decode`, `textencodebase64`,
//! `textdecodebase64`, `base64gzip`), `urlencode`, `csvdecode`, `yamlencode`, `yamldecode`.
//!
//! Base64 is decoded as Go's `StdEncoding` decodes it (padding required, line breaks
//! skipped, its error offsets); `urlencode` is Go's `url.QueryEscape` (a space is `+`);
//! `csvdecode` reads as Go's `encoding/csv` does. `textencodebase64` and
//! `textdecodebase64` know UTF-8, UTF-16 (with and without byte order), ISO 8859-1 and
//! US-ASCII by their IANA names and aliases; other encodings Terraform knows stay unknown,
//! as does `base64gzip` (its bytes are those of Go's own deflate compressor).

mod csv;
mod yaml;

use super::{any, p, string, Call, FnError, Function};
use crate::cty::{go_quote, Type, Val};

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "base64decode",
        params: &[p("str", string).marked().unknown()],
        variadic: None,
        returns: string,
        body: |c| {
            let v = c.arg(0);
            let sensitive = v.sensitive;
            let Some(text) = v.as_str() else {
                return Ok(Val::unknown(Type::String, c.span.clone()).marked(sensitive));
            };
            let shown = || {
                if sensitive {
                    "(sensitive value)".to_string()
                } else {
                    go_quote(text)
                }
            };
            let bytes = go_base64_decode(text)
                .map_err(|_| FnError::Call(format!("failed to decode base64 data {}", shown())))?;
            let decoded = String::from_utf8(bytes).map_err(|_| {
                FnError::Call(
                    "the result of decoding the provided string is not valid UTF-8".into(),
                )
            })?;
            Ok(c.bounded(decoded)?.marked(sensitive))
        },
    },
    Function {
        name: "base64encode",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.bounded(super::crypto::base64_of(c.str(0).as_bytes())),
    },
    Function {
        name: "base64gzip",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        // Go's compress/gzip output is not reproduced byte for byte.
        body: |c| super::unknown(c, Type::String),
    },
    Function {
        name: "csvdecode",
        params: &[p("str", string)],
        variadic: None,
        returns: any,
        body: |c| csv::decode(c, c.str(0)),
    },
    Function {
        name: "textdecodebase64",
        params: &[p("source", string), p("encoding", string)],
        variadic: None,
        returns: string,
        body: |c| {
            let Some(encoding) = encoding_arg(c)? else {
                return super::unknown(c, Type::String);
            };
            let bytes = go_base64_decode(c.str(0)).map_err(|e| match e {
                Base64Error::Corrupt(offset) => FnError::Arg(
                    0,
                    format!("the given value is has an invalid base64 symbol at offset {offset}"),
                ),
            })?;
            match encoding.decode(&bytes) {
                Some(text) if !text.contains('\u{fffd}') => c.bounded(text),
                _ => Err(FnError::Arg(
                    0,
                    format!(
                        "the given string contains symbols that are not defined for {}",
                        encoding.name()
                    ),
                )),
            }
        },
    },
    Function {
        name: "textencodebase64",
        params: &[p("string", string), p("encoding", string)],
        variadic: None,
        returns: string,
        body: |c| {
            let Some(encoding) = encoding_arg(c)? else {
                return super::unknown(c, Type::String);
            };
            let bytes = encoding.encode(c.str(0)).ok_or_else(|| {
                FnError::Arg(
                    0,
                    format!(
                        "the given string contains characters that cannot be represented in {}",
                        encoding.name()
                    ),
                )
            })?;
            c.bounded(super::crypto::base64_of(&bytes))
        },
    },
    Function {
        name: "urlencode",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.bounded(query_escape(c.str(0))),
    },
    Function {
        name: "yamldecode",
        params: &[p("src", string)],
        variadic: None,
        returns: any,
        body: |c| yaml::decode(c, c.str(0)),
    },
    Function {
        name: "yamlencode",
        params: &[p("value", any).null()],
        variadic: None,
        returns: string,
        body: |c| {
            let v = c.arg(0);
            if !v.is_wholly_known() {
                return super::unknown(c, Type::String);
            }
            let text = yaml::encode(v).map_err(FnError::Call)?;
            Ok(c.bounded(text)?.encoding_of(v))
        },
    },
];

/// Why Go's base64 decoder stopped.
#[derive(Debug, PartialEq)]
pub(crate) enum Base64Error {
    /// `CorruptInputError`: the byte offset Go reports.
    Corrupt(usize),
}

/// Go's `base64.StdEncoding.DecodeString`: the standard alphabet, `=` padding required,
/// `\r` and `\n` skipped anywhere, bits after the last full byte ignored.
pub(crate) fn go_base64_decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let src = text.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        let (next, bytes, trailing) = decode_quantum(src, si)?;
        out.extend_from_slice(&bytes);
        if let Some(offset) = trailing {
            return Err(Base64Error::Corrupt(offset));
        }
        si = next;
    }
    Ok(out)
}

fn base64_value(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// One quantum of four symbols from `si` (Go's `decodeQuantum`): where the next one
/// starts, the bytes, and the offset of garbage after padding.
fn decode_quantum(
    src: &[u8],
    mut si: usize,
) -> Result<(usize, Vec<u8>, Option<usize>), Base64Error> {
    let mut buf = [0u32; 4];
    let mut len = 4;
    let mut trailing = None;
    let mut j = 0;
    while j < 4 {
        let Some(&symbol) = src.get(si) else {
            if j == 0 {
                return Ok((si, Vec::new(), None));
            }
            return Err(Base64Error::Corrupt(si - j));
        };
        si += 1;
        if let Some(v) = base64_value(symbol) {
            buf[j] = v;
            j += 1;
            continue;
        }
        if symbol == b'\n' || symbol == b'\r' {
            continue;
        }
        if symbol != b'=' {
            return Err(Base64Error::Corrupt(si - 1));
        }
        match j {
            0 | 1 => return Err(Base64Error::Corrupt(si - 1)),
            2 => {
                while matches!(src.get(si), Some(b'\n' | b'\r')) {
                    si += 1;
                }
                match src.get(si) {
                    None => return Err(Base64Error::Corrupt(src.len())),
                    Some(b'=') => si += 1,
                    Some(_) => return Err(Base64Error::Corrupt(si - 1)),
                }
            }
            _ => {}
        }
        while matches!(src.get(si), Some(b'\n' | b'\r')) {
            si += 1;
        }
        if si < src.len() {
            trailing = Some(si);
        }
        len = j;
        break;
    }
    let val = buf[0] << 18 | buf[1] << 12 | buf[2] << 6 | buf[3];
    let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
    Ok((
        si,
        bytes.get(..len - 1).unwrap_or_default().to_vec(),
        trailing,
    ))
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A text encoding `textencodebase64` and `textdecodebase64` can compute.
#[derive(Clone, Copy, Debug, PartialEq)]
enum TextEncoding {
    Utf8,
    /// Big-endian, a byte order mark written first and honoured when read.
    Utf16,
    Utf16Be,
    Utf16Le,
    Latin1,
    Ascii,
}

/// IANA names and aliases (matched without regard to case), and the encodings.
const ENCODINGS: &[(&str, TextEncoding)] = &[
    ("utf-8", TextEncoding::Utf8),
    ("csutf8", TextEncoding::Utf8),
    ("utf-16", TextEncoding::Utf16),
    ("csutf16", TextEncoding::Utf16),
    ("utf-16be", TextEncoding::Utf16Be),
    ("csutf16be", TextEncoding::Utf16Be),
    ("utf-16le", TextEncoding::Utf16Le),
    ("csutf16le", TextEncoding::Utf16Le),
    ("iso_8859-1:1987", TextEncoding::Latin1),
    ("iso-ir-100", TextEncoding::Latin1),
    ("iso_8859-1", TextEncoding::Latin1),
    ("iso-8859-1", TextEncoding::Latin1),
    ("latin1", TextEncoding::Latin1),
    ("l1", TextEncoding::Latin1),
    ("ibm819", TextEncoding::Latin1),
    ("cp819", TextEncoding::Latin1),
    ("csisolatin1", TextEncoding::Latin1),
    ("us-ascii", TextEncoding::Ascii),
    ("iso-ir-6", TextEncoding::Ascii),
    ("ansi_x3.4-1968", TextEncoding::Ascii),
    ("ansi_x3.4-1986", TextEncoding::Ascii),
    ("iso_646.irv:1991", TextEncoding::Ascii),
    ("iso646-us", TextEncoding::Ascii),
    ("us", TextEncoding::Ascii),
    ("ibm367", TextEncoding::Ascii),
    ("cp367", TextEncoding::Ascii),
    ("csascii", TextEncoding::Ascii),
];

/// IANA names of encodings Terraform knows but stet does not compute: their calls stay
/// unknown rather than being refused.
const UNCOMPUTED_PREFIXES: &[&str] = &[
    "iso",
    "windows",
    "cp",
    "ibm",
    "koi8",
    "mac",
    "x-",
    "shift_jis",
    "euc",
    "gb",
    "big5",
    "hz",
    "cs",
    "ms",
    "tis",
    "ebcdic",
    "latin",
    "l",
    "greek",
    "cyrillic",
    "arabic",
    "hebrew",
    "ecma",
    "elot",
    "asmo",
    "jis",
    "sjis",
    "ks",
    "korean",
    "ccsid",
    "pc-",
    "extended",
];

impl TextEncoding {
    /// The canonical IANA name, as Terraform's messages give it.
    fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16 => "UTF-16",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Latin1 => "ISO_8859-1:1987",
            TextEncoding::Ascii => "US-ASCII",
        }
    }

    fn encode(self, s: &str) -> Option<Vec<u8>> {
        let units = |big: bool| {
            s.encode_utf16().flat_map(move |u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
        };
        Some(match self {
            TextEncoding::Utf8 => s.as_bytes().to_vec(),
            TextEncoding::Utf16 => [0xfe, 0xff].into_iter().chain(units(true)).collect(),
            TextEncoding::Utf16Be => units(true).collect(),
            TextEncoding::Utf16Le => units(false).collect(),
            TextEncoding::Latin1 => s
                .chars()
                .map(|ch| u8::try_from(u32::from(ch)).ok())
                .collect::<Option<Vec<u8>>>()?,
            TextEncoding::Ascii => s
                .chars()
                .map(|ch| ch.is_ascii().then_some(ch as u8))
                .collect::<Option<Vec<u8>>>()?,
        })
    }

    /// The text of `bytes`; what does not decode becomes U+FFFD.
    fn decode(self, bytes: &[u8]) -> Option<String> {
        let utf16 = |bytes: &[u8], big: bool| {
            let mut units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| {
                    if big {
                        u16::from_be_bytes([p[0], p[1]])
                    } else {
                        u16::from_le_bytes([p[0], p[1]])
                    }
                })
                .collect();
            let odd = bytes.len() % 2 == 1;
            let mut text = String::from_utf16_lossy(&units);
            if odd {
                text.push('\u{fffd}');
            }
            units.clear();
            text
        };
        Some(match self {
            TextEncoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            TextEncoding::Utf16 => match bytes {
                [0xfe, 0xff, rest @ ..] => utf16(rest, true),
                [0xff, 0xfe, rest @ ..] => utf16(rest, false),
                _ => utf16(bytes, true),
            },
            TextEncoding::Utf16Be => utf16(bytes, true),
            TextEncoding::Utf16Le => utf16(bytes, false),
            TextEncoding::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
            TextEncoding::Ascii => bytes
                .iter()
                .map(|&b| {
                    if b.is_ascii() {
                        char::from(b)
                    } else {
                        '\u{fffd}'
                    }
                })
                .collect(),
        })
    }
}

/// The `encoding` argument: an encoding stet computes, `None` for one it leaves unknown,
/// or Terraform's error for a name it does not know.
fn encoding_arg(c: &Call<'_, '_, '_>) -> Result<Option<TextEncoding>, FnError> {
    let given = c.str(1);
    let name = given.trim().to_ascii_lowercase();
    if let Some((_, e)) = ENCODINGS.iter().find(|(n, _)| *n == name) {
        return Ok(Some(*e));
    }
    let numbered = name.starts_with(|ch: char| ch.is_ascii_digit());
    if numbered || UNCOMPUTED_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Ok(None);
    }
    Err(FnError::Arg(
        1,
        format!(
            "{} is not a supported IANA encoding name or alias in this Terraform version",
            go_quote(given)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_go_decodes() {
        assert_eq!(go_base64_decode("aGk="), Ok(b"hi".to_vec()));
        assert_eq!(go_base64_decode("aG\nk="), Ok(b"hi".to_vec()));
        assert_eq!(go_base64_decode("aGk"), Err(Base64Error::Corrupt(0)));
        assert_eq!(go_base64_decode("aGk=x"), Err(Base64Error::Corrupt(4)));
        assert_eq!(go_base64_decode("a!=="), Err(Base64Error::Corrupt(1)));
        assert_eq!(go_base64_decode("aGl="), Ok(b"hi".to_vec()));
        assert_eq!(go_base64_decode(""), Ok(Vec::new()));
    }

    #[test]
    fn query_escape_as_go() {
        assert_eq!(query_escape("a b&c=d/é~"), "a+b%26c%3Dd%2F%C3%A9~");
    }

    #[test]
    fn text_encodings() {
        assert_eq!(
            TextEncoding::Utf16.encode("Hi"),
            Some(vec![0xfe, 0xff, 0, 0x48, 0, 0x69])
        );
        assert_eq!(TextEncoding::Latin1.encode("é"), Some(vec![0xe9]));
        assert_eq!(TextEncoding::Ascii.encode("é"), None);
        assert_eq!(
            TextEncoding::Utf16
                .decode(&[0xff, 0xfe, 0, 0x48])
                .as_deref(),
            Some("\u{4800}")
        );
        assert!(TextEncoding::Utf16Le
            .decode(&[0x48])
            .is_some_and(|t| t.contains('\u{fffd}')));
    }
}
