//! Parameters files: the values a template is deployed with, in the formats people keep
//! them in. Reading text into [`ParameterValue`]s, each with the place its value is written,
//! is all this does; which file goes with which template is the caller's business.
//!
//! - AWS CLI (`aws cloudformation create-stack --parameters file://…`):
//!   `[{"ParameterKey": "Env", "ParameterValue": "prod"}]` (`UsePreviousValue` entries give
//!   no value: the stack's is unknown here).
//! - `--parameter-overrides` style: `Key=Value` pairs, whitespace- or line-separated in a
//!   text file, or a JSON list of `"Key=Value"` strings; values may be quoted.
//! - CodePipeline template configuration: `{"Parameters": {"Env": "prod"}, "Tags": …}` (and
//!   a plain JSON object of names and values).
//! - SAM CLI `samconfig.toml` (and `samconfig.yaml`): `parameter_overrides` of the
//!   `deploy` (else `global`) parameters of one environment (`default` unless told).

use crate::{Error, ParameterValue};
use std::sync::Arc;
use stet_graph::{Limits, LineIndex, Span, Value, ValueKind};

/// The format a parameters file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParametersFormat {
    /// `[{"ParameterKey", "ParameterValue"}]` (AWS CLI).
    AwsCli,
    /// `Key=Value` pairs (`--parameter-overrides`).
    Overrides,
    /// `{"Parameters": {...}}` (CodePipeline template configuration) or a plain object.
    TemplateConfiguration,
    /// SAM CLI configuration (`samconfig.toml`, `samconfig.yaml`).
    SamConfig,
}

impl ParametersFormat {
    /// A short name for messages and docs.
    pub fn as_str(self) -> &'static str {
        match self {
            ParametersFormat::AwsCli => "AWS CLI parameters",
            ParametersFormat::Overrides => "Key=Value overrides",
            ParametersFormat::TemplateConfiguration => "template configuration",
            ParametersFormat::SamConfig => "SAM CLI configuration",
        }
    }
}

/// A parameters file that was read.
#[derive(Debug, Clone)]
pub struct ParametersFile {
    /// Its format.
    pub format: ParametersFormat,
    /// The values, in file order.
    pub values: Vec<ParameterValue>,
    /// Entries that could not be read (the others are in `values`).
    pub problems: Vec<Error>,
    /// For SAM configuration: the template it names (`template_file`), if any.
    pub template: Option<String>,
}

/// Reads parameters file `text` at `path`. `sam_environment` picks the environment of a SAM
/// configuration file (`default` in the SAM CLI).
///
/// ```
/// use stet_cloudformation::{read_parameters, ParametersFormat};
/// let text = r#"[{"ParameterKey": "Env", "ParameterValue": "dev"}]"#;
/// let file = read_parameters("params.json".into(), text, "default", &Default::default()).unwrap();
/// assert_eq!(file.format, ParametersFormat::AwsCli);
/// assert_eq!((file.values[0].name.as_str(), file.values[0].value.as_str()), ("Env", "dev"));
/// assert_eq!(file.values[0].span.as_ref().unwrap().start.line, 1);
/// ```
///
/// # Errors
/// A file that does not parse, or whose shape is none of the formats.
pub fn read_parameters(
    path: Arc<str>,
    text: &str,
    sam_environment: &str,
    limits: &Limits,
) -> Result<ParametersFile, Error> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    if name.ends_with(".toml") {
        return sam_toml(path, text, sam_environment);
    }
    if name.starts_with("samconfig") && (name.ends_with(".yaml") || name.ends_with(".yml")) {
        let root = crate::parse_yaml(path.clone(), text, limits)?
            .unwrap_or_else(|| Value::empty_map(Span::file_start(path.clone())));
        return sam_value(path, &root, sam_environment);
    }
    let trimmed = text.trim_start();
    if name.ends_with(".json") || trimmed.starts_with('[') || trimmed.starts_with('{') {
        let root = stet_graph::parse_json(path.clone(), text, limits)?
            .unwrap_or_else(|| Value::empty_map(Span::file_start(path.clone())));
        return json(path, &root);
    }
    Ok(overrides_text(path, text))
}

fn shape_error(path: &Arc<str>, span: &Span, found: &str) -> Error {
    Error::Parameters {
        span: span.clone(),
        message: format!(
            "{path} is not a parameters file: expected a list of {{\"ParameterKey\", \"ParameterValue\"}}, a list of \"Key=Value\" strings or an object with `Parameters`; found {found}"
        ),
    }
}

fn json(path: Arc<str>, root: &Value) -> Result<ParametersFile, Error> {
    let via = path.to_string();
    let mut values = Vec::new();
    let mut problems = Vec::new();
    match &root.kind {
        ValueKind::List(items) if items.iter().all(|i| i.as_str().is_some()) => {
            for item in items {
                if let Some(text) = item.as_str() {
                    let (found, bad) = pairs(text, &via, &item.span);
                    values.extend(found);
                    problems.extend(bad);
                }
            }
            Ok(ParametersFile {
                format: ParametersFormat::Overrides,
                values,
                problems,
                template: None,
            })
        }
        ValueKind::List(items) => {
            for item in items {
                let key = item.get("ParameterKey");
                let value = item.get("ParameterValue");
                let previous = item
                    .get("UsePreviousValue")
                    .and_then(Value::to_display_string)
                    .is_some_and(|s| s == "true");
                match (key.and_then(Value::as_str), value) {
                    (Some(key), Some(value)) => match scalar(value) {
                        Some(text) => values.push(ParameterValue {
                            name: key.to_string(),
                            value: text,
                            via: via.clone(),
                            span: Some(value.span.clone()),
                        }),
                        None => problems.push(Error::Parameters {
                            span: value.span.clone(),
                            message: format!(
                                "the value of `{key}` must be a string, found a {}",
                                value.type_name()
                            ),
                        }),
                    },
                    (Some(_), None) if previous => {}
                    (Some(key), None) => problems.push(Error::Parameters {
                        span: item.span.clone(),
                        message: format!("the entry for `{key}` has no `ParameterValue`"),
                    }),
                    (None, _) => problems.push(Error::Parameters {
                        span: item.span.clone(),
                        message: "an entry without a `ParameterKey` string".to_string(),
                    }),
                }
            }
            Ok(ParametersFile {
                format: ParametersFormat::AwsCli,
                values,
                problems,
                template: None,
            })
        }
        ValueKind::Map(map) => {
            let (section, whole) = match map.get("Parameters") {
                Some(p) => (p, false),
                None => (root, true),
            };
            let Some(entries) = section.as_map() else {
                return Err(shape_error(&path, &section.span, section.type_name()));
            };
            for entry in entries.iter() {
                match scalar(&entry.value) {
                    Some(text) => values.push(ParameterValue {
                        name: entry.key.clone(),
                        value: text,
                        via: via.clone(),
                        span: Some(entry.value.span.clone()),
                    }),
                    None if whole => {
                        return Err(shape_error(
                            &path,
                            &entry.value.span,
                            "an object of other things",
                        ))
                    }
                    None => problems.push(Error::Parameters {
                        span: entry.value.span.clone(),
                        message: format!(
                            "the value of `{}` must be a string, found a {}",
                            entry.key,
                            entry.value.type_name()
                        ),
                    }),
                }
            }
            Ok(ParametersFile {
                format: ParametersFormat::TemplateConfiguration,
                values,
                problems,
                template: None,
            })
        }
        _ => Err(shape_error(&path, &root.span, root.type_name())),
    }
}

/// A value CloudFormation receives as a string (a list as its comma-separated items).
fn scalar(value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::List(items) => items
            .iter()
            .map(Value::to_display_string)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join(",")),
        _ => value.to_display_string(),
    }
}

fn overrides_text(path: Arc<str>, text: &str) -> ParametersFile {
    let via = path.to_string();
    let index = LineIndex::new(text);
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for (token, start, end) in tokens(text) {
        let span = index.span(path.clone(), text, start, end);
        if token.trim_start().starts_with('#') {
            continue;
        }
        match split_pair(&token) {
            Some((key, value)) => values.push(ParameterValue {
                name: key,
                value,
                via: via.clone(),
                span: Some(span),
            }),
            None => problems.push(Error::Parameters {
                span,
                message: format!("`{token}` is not a `Key=Value` pair"),
            }),
        }
    }
    ParametersFile {
        format: ParametersFormat::Overrides,
        values,
        problems,
        template: None,
    }
}

/// The `Key=Value` pairs of one string (samconfig's `parameter_overrides`, a JSON list
/// item), all placed at `span`.
fn pairs(text: &str, via: &str, span: &Span) -> (Vec<ParameterValue>, Vec<Error>) {
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for (token, _, _) in tokens(text) {
        match split_pair(&token) {
            Some((key, value)) => values.push(ParameterValue {
                name: key,
                value,
                via: via.to_string(),
                span: Some(span.clone()),
            }),
            None => problems.push(Error::Parameters {
                span: span.clone(),
                message: format!("`{token}` is not a `Key=Value` pair"),
            }),
        }
    }
    (values, problems)
}

/// Whitespace-separated tokens with their byte ranges; quotes (`"` or `'`) keep spaces in,
/// and a line starting with `#` is a comment.
fn tokens(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '#' {
            for (_, c) in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
            continue;
        }
        let mut token = String::new();
        let mut quote: Option<char> = None;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => token.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() => break,
                None => token.push(c),
            }
            end = i + c.len_utf8();
            chars.next();
        }
        out.push((token, start, end));
    }
    out
}

fn split_pair(token: &str) -> Option<(String, String)> {
    let (key, value) = token.split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == ':'))
        .then(|| (key.to_string(), value.to_string()))
}

fn sam_toml(path: Arc<str>, text: &str, environment: &str) -> Result<ParametersFile, Error> {
    let index = LineIndex::new(text);
    let span_of =
        |range: std::ops::Range<usize>| index.span(path.clone(), text, range.start, range.end);
    let root = toml::de::DeTable::parse(text).map_err(|e| Error::Syntax {
        span: span_of(e.span().unwrap_or(0..0)),
        message: e.message().trim().to_string(),
    })?;
    let mut values = Vec::new();
    let mut problems = Vec::new();
    let mut template = None;
    let section = |command: &str| {
        root.get_ref()
            .get(environment)
            .and_then(|e| e.get_ref().as_table())
            .and_then(|e| e.get(command))
            .and_then(|c| c.get_ref().as_table())
            .and_then(|c| c.get("parameters"))
            .and_then(|p| p.get_ref().as_table())
    };
    for command in ["global", "deploy"] {
        let Some(parameters) = section(command) else {
            continue;
        };
        if let Some(file) = parameters
            .get("template_file")
            .and_then(|t| t.get_ref().as_str())
        {
            template = Some(file.to_string());
        }
        let Some(overrides) = parameters.get("parameter_overrides") else {
            continue;
        };
        let span = span_of(overrides.span());
        let strings: Vec<&str> = match overrides.get_ref() {
            toml::de::DeValue::String(s) => vec![s.as_ref()],
            toml::de::DeValue::Array(items) => {
                items.iter().filter_map(|i| i.get_ref().as_str()).collect()
            }
            _ => Vec::new(),
        };
        for text in strings {
            let (found, bad) = pairs(text, &path, &span);
            for value in found {
                values.retain(|v: &ParameterValue| v.name != value.name);
                values.push(value);
            }
            problems.extend(bad);
        }
    }
    Ok(ParametersFile {
        format: ParametersFormat::SamConfig,
        values,
        problems,
        template,
    })
}

fn sam_value(path: Arc<str>, root: &Value, environment: &str) -> Result<ParametersFile, Error> {
    let mut values = Vec::new();
    let mut problems = Vec::new();
    let mut template = None;
    for command in ["global", "deploy"] {
        let Some(parameters) = root
            .get(environment)
            .and_then(|e| e.get(command))
            .and_then(|c| c.get("parameters"))
        else {
            continue;
        };
        if let Some(file) = parameters.get("template_file").and_then(Value::as_str) {
            template = Some(file.to_string());
        }
        let Some(overrides) = parameters.get("parameter_overrides") else {
            continue;
        };
        let strings: Vec<&Value> = match &overrides.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![overrides],
        };
        for item in strings {
            if let Some(text) = item.as_str() {
                let (found, bad) = pairs(text, &path, &item.span);
                for value in found {
                    values.retain(|v: &ParameterValue| v.name != value.name);
                    values.push(value);
                }
                problems.extend(bad);
            }
        }
    }
    Ok(ParametersFile {
        format: ParametersFormat::SamConfig,
        values,
        problems,
        template,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, text: &str) -> ParametersFile {
        read_parameters(path.into(), text, "default", &Limits::default()).unwrap()
    }

    fn pairs_of(file: &ParametersFile) -> Vec<(String, String, u32)> {
        file.values
            .iter()
            .map(|v| {
                (
                    v.name.clone(),
                    v.value.clone(),
                    v.span.as_ref().map_or(0, |s| s.start.line),
                )
            })
            .collect()
    }

    #[test]
    fn aws_cli_list() {
        let f = read(
            "p.json",
            "[\n {\"ParameterKey\": \"Env\", \"ParameterValue\": \"dev\"},\n {\"ParameterKey\": \"Old\", \"UsePreviousValue\": true},\n {\"ParameterKey\": \"N\", \"ParameterValue\": 3}\n]\n",
        );
        assert_eq!(f.format, ParametersFormat::AwsCli);
        assert_eq!(
            pairs_of(&f),
            [("Env".into(), "dev".into(), 2), ("N".into(), "3".into(), 4)]
        );
        assert!(f.problems.is_empty());
    }

    #[test]
    fn template_configuration_and_plain_objects() {
        let f = read(
            "c.json",
            "{\n  \"Parameters\": {\n    \"Env\": \"prod\"\n  },\n  \"Tags\": {\"a\": \"b\"}\n}\n",
        );
        assert_eq!(f.format, ParametersFormat::TemplateConfiguration);
        assert_eq!(pairs_of(&f), [("Env".into(), "prod".into(), 3)]);
        let plain = read("c.json", "{\"Env\": \"dev\", \"Size\": [\"a\", \"b\"]}");
        assert_eq!(plain.values[1].value, "a,b");
    }

    #[test]
    fn overrides_text_and_json_list() {
        let f = read(
            "params.txt",
            "# staging\nEnv=dev Name=\"a b\"\n'Quoted=x y'\nbroken\n",
        );
        assert_eq!(f.format, ParametersFormat::Overrides);
        assert_eq!(
            pairs_of(&f),
            [
                ("Env".into(), "dev".into(), 2),
                ("Name".into(), "a b".into(), 2),
                ("Quoted".into(), "x y".into(), 3)
            ]
        );
        assert_eq!(f.problems.len(), 1);
        assert_eq!(f.problems[0].span().start.line, 4);
        let list = read("o.json", "[\"Env=dev\", \"Tag=1.2.0\"]");
        assert_eq!(list.format, ParametersFormat::Overrides);
        assert_eq!(list.values.len(), 2);
    }

    #[test]
    fn samconfig_environment_and_commands() {
        let text = "version = 0.1\n[default.global.parameters]\nparameter_overrides = \"Env=dev Tag=1\"\n[default.deploy.parameters]\ntemplate_file = \"app.yaml\"\nparameter_overrides = [\"Tag=2\"]\n[prod.deploy.parameters]\nparameter_overrides = \"Env=prod\"\n";
        let f = read("samconfig.toml", text);
        assert_eq!(f.format, ParametersFormat::SamConfig);
        assert_eq!(
            pairs_of(&f),
            [
                ("Env".into(), "dev".into(), 3),
                ("Tag".into(), "2".into(), 6)
            ]
        );
        assert_eq!(f.template.as_deref(), Some("app.yaml"));
        let prod =
            read_parameters("samconfig.toml".into(), text, "prod", &Limits::default()).unwrap();
        assert_eq!(prod.values[0].value, "prod");
        let yaml = read(
            "samconfig.yaml",
            "version: 0.1\ndefault:\n  deploy:\n    parameters:\n      parameter_overrides: Env=dev\n",
        );
        assert_eq!(pairs_of(&yaml), [("Env".into(), "dev".into(), 5)]);
    }

    #[test]
    fn malformed_files_are_located_errors() {
        let e = read_parameters(
            "p.json".into(),
            "[{\"ParameterKey\": ",
            "default",
            &Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, Error::Syntax { .. }));
        let e = read_parameters("p.json".into(), "\"text\"", "default", &Limits::default())
            .unwrap_err();
        assert!(e.to_string().contains("is not a parameters file"), "{e}");
        let e = read_parameters(
            "samconfig.toml".into(),
            "[default\n",
            "default",
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(e.span().start.line, 1, "{e}");
    }
}
