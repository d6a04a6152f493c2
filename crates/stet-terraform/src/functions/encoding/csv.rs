//! `csvdecode`: go-cty's, over Go's `encoding/csv` reader (RFC 4180 with Go's rules:
//! blank lines skipped, `\r\n` read as `\n`, a quote only at the start of a field, every
//! record as wide as the header), a list of objects named by the header.

use super::super::{Call, FnError, FnResult};
use crate::cty::{go_quote, Entry, Type, Val};
use std::collections::BTreeMap;

/// Why a record could not be read (Go's `csv.ParseError`, the parts go-cty shows).
#[derive(Debug, PartialEq)]
struct ParseError {
    line: usize,
    message: &'static str,
}

const BARE_QUOTE: &str = "bare \" in non-quoted-field";
const QUOTE: &str = "extraneous or missing \" in quoted-field";
const FIELD_COUNT: &str = "wrong number of fields";

/// Go's `csv.Reader` with its default settings.
struct Reader<'a> {
    rest: &'a [u8],
    line: usize,
    fields: Option<usize>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Reader<'a> {
        Reader {
            rest: text.as_bytes(),
            line: 0,
            fields: None,
        }
    }

    /// The next line with its `\n` (Go's `readLine`: `\r\n` becomes `\n`, a `\r` before
    /// the end of the text is dropped); `None` at the end.
    fn read_line(&mut self) -> Option<Vec<u8>> {
        if self.rest.is_empty() {
            return None;
        }
        let end = self
            .rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.rest.len(), |i| i + 1);
        let mut line = self.rest.get(..end).unwrap_or_default().to_vec();
        self.rest = self.rest.get(end..).unwrap_or_default();
        if line.last() != Some(&b'\n') && line.last() == Some(&b'\r') {
            line.pop();
        }
        self.line += 1;
        if line.ends_with(b"\r\n") {
            line.truncate(line.len() - 2);
            line.push(b'\n');
        }
        Some(line)
    }

    /// The next record; `Ok(None)` at the end.
    fn read(&mut self) -> Result<Option<Vec<String>>, ParseError> {
        let mut line = loop {
            match self.read_line() {
                None => return Ok(None),
                Some(l) if l == b"\n" => continue,
                Some(l) => break l,
            }
        };
        let record_line = self.line;
        let mut pos_line = self.line;
        let mut fields: Vec<Vec<u8>> = Vec::new();
        let nl = |l: &[u8]| usize::from(l.last() == Some(&b'\n'));
        'fields: loop {
            if line.first() != Some(&b'"') {
                let comma = line.iter().position(|&b| b == b',');
                let field_end = comma.unwrap_or(line.len() - nl(&line));
                let field = line.get(..field_end).unwrap_or_default();
                if field.contains(&b'"') {
                    return Err(ParseError {
                        line: self.line,
                        message: BARE_QUOTE,
                    });
                }
                fields.push(field.to_vec());
                match comma {
                    Some(i) => {
                        line = line.get(i + 1..).unwrap_or_default().to_vec();
                        continue 'fields;
                    }
                    None => break 'fields,
                }
            }
            // A quoted field, possibly over several lines.
            let mut field = Vec::new();
            line.remove(0);
            loop {
                if let Some(i) = line.iter().position(|&b| b == b'"') {
                    field.extend_from_slice(line.get(..i).unwrap_or_default());
                    line = line.get(i + 1..).unwrap_or_default().to_vec();
                    match line.first() {
                        Some(b'"') => {
                            field.push(b'"');
                            line.remove(0);
                        }
                        Some(b',') => {
                            line.remove(0);
                            fields.push(field);
                            continue 'fields;
                        }
                        _ if nl(&line) == line.len() => {
                            fields.push(field);
                            break 'fields;
                        }
                        _ => {
                            return Err(ParseError {
                                line: self.line,
                                message: QUOTE,
                            })
                        }
                    }
                } else if !line.is_empty() {
                    field.extend_from_slice(&line);
                    match self.read_line() {
                        Some(next) => {
                            pos_line += 1;
                            line = next;
                        }
                        None => line = Vec::new(),
                    }
                } else {
                    return Err(ParseError {
                        line: pos_line,
                        message: QUOTE,
                    });
                }
            }
        }
        let record: Vec<String> = fields
            .into_iter()
            .map(|f| String::from_utf8_lossy(&f).into_owned())
            .collect();
        match self.fields {
            Some(n) if n != record.len() => Err(ParseError {
                line: record_line,
                message: FIELD_COUNT,
            }),
            Some(_) => Ok(Some(record)),
            None => {
                self.fields = Some(record.len());
                Ok(Some(record))
            }
        }
    }
}

fn csv_error(e: ParseError) -> FnError {
    FnError::Call(format!("CSV parse error on line {}: {}", e.line, e.message))
}

/// go-cty's `csvdecode`.
pub(super) fn decode(c: &Call<'_, '_, '_>, text: &str) -> FnResult {
    let mut reader = Reader::new(text);
    let Some(headers) = reader.read().map_err(csv_error)? else {
        return c.fail("missing header line");
    };
    let mut seen = BTreeMap::new();
    for name in &headers {
        if seen.insert(name.as_str(), Type::String).is_some() {
            return c.fail(format!("duplicate column name {}", go_quote(name)));
        }
    }
    let object_type = Type::object(seen.into_iter().map(|(k, t)| (k.to_string(), t)).collect());
    let span = c.span.clone();
    let mut rows = Vec::new();
    while let Some(record) = reader.read().map_err(csv_error)? {
        let entries = headers
            .iter()
            .zip(record)
            .map(|(name, value)| Entry {
                key: name.clone(),
                key_span: span.clone(),
                value: Val::string(value, span.clone()),
            })
            .collect();
        rows.push(Val::object(entries, span.clone()));
    }
    Ok(Val::list(object_type, rows, span))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Result<Vec<Vec<String>>, ParseError> {
        let mut r = Reader::new(text);
        let mut out = Vec::new();
        while let Some(rec) = r.read()? {
            out.push(rec);
        }
        Ok(out)
    }

    #[test]
    fn go_csv_rules() {
        assert_eq!(
            records("a,b\r\n\n1,\"x\ny\"\n\"q\"\"\",2").unwrap(),
            vec![vec!["a", "b"], vec!["1", "x\ny"], vec!["q\"", "2"]]
        );
        assert_eq!(
            records("a,b\n1,2,3\n"),
            Err(ParseError {
                line: 2,
                message: FIELD_COUNT
            })
        );
        assert_eq!(
            records("a\nx\"y\n"),
            Err(ParseError {
                line: 2,
                message: BARE_QUOTE
            })
        );
        assert_eq!(
            records("a\n\"x\n"),
            Err(ParseError {
                line: 2,
                message: QUOTE
            })
        );
    }
}
