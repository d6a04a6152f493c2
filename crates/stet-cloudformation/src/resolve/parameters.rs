//! The parameters of a template and the values in effect: each declaration's default,
//! overridden by the values given (parameters files, `--parameter`, `stet.toml`), each value
//! checked against its declaration as CloudFormation would check it (`Type`,
//! `AllowedValues`, `AllowedPattern`, lengths and bounds) and warned about, not refused.

use super::{Parameter, Resolver, PSEUDO_PARAMETERS};
use stet_graph::{Input, Map, Span, Value, ValueKind};

/// One parameter value given for a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterValue {
    /// The parameter's name (`ImageTag`), or a pseudo parameter (`AWS::Region`).
    pub name: String,
    /// The value as CloudFormation receives it (lists comma-separated).
    pub value: String,
    /// Where it was given: a file's path, `--parameter`, `stet.toml`.
    pub via: String,
    /// Where the value is written, when it is written in a file.
    pub span: Option<Span>,
}

impl Resolver<'_> {
    /// Reads the `Parameters` section and applies `values` (later ones win).
    pub(super) fn declare_parameters(&mut self, section: Option<&Map>, values: &[ParameterValue]) {
        let mut given: Vec<&ParameterValue> = Vec::new();
        for value in values {
            given.retain(|v| v.name != value.name);
            given.push(value);
        }
        for value in &given {
            if PSEUDO_PARAMETERS.contains(&value.name.as_str()) {
                let input = Input {
                    name: format!("pseudo parameter `{}`", value.name),
                    value: Some(value.value.clone()),
                    via: value.via.clone(),
                    span: value.span.clone(),
                };
                self.pseudo
                    .insert(value.name.clone(), (value.value.clone(), input));
            }
        }
        // Partition and URL suffix follow from a given region.
        if let Some((region, input)) = self.pseudo.get("AWS::Region").cloned() {
            let (partition, suffix) = if region.starts_with("cn-") {
                ("aws-cn", "amazonaws.com.cn")
            } else if region.starts_with("us-gov-") {
                ("aws-us-gov", "amazonaws.com")
            } else {
                ("aws", "amazonaws.com")
            };
            for (name, value) in [("AWS::Partition", partition), ("AWS::URLSuffix", suffix)] {
                self.pseudo
                    .entry(name.to_string())
                    .or_insert_with(|| (value.to_string(), input.clone()));
            }
        }
        let empty = Map::new();
        let section = section.unwrap_or(&empty);
        // A value for a parameter the template does not declare is most likely a typo, or a
        // file meant for another template.
        for value in &given {
            if let Some(span) = &value.span {
                if !section.contains_key(&value.name)
                    && !PSEUDO_PARAMETERS.contains(&value.name.as_str())
                {
                    self.warn(
                        span,
                        format!(
                            "{} gives a value for `{}`, which the template does not declare",
                            value.via, value.name
                        ),
                    );
                }
            }
        }
        let mut files: Vec<&str> = given
            .iter()
            .filter(|v| v.span.is_some())
            .map(|v| v.via.as_str())
            .collect();
        files.sort_unstable();
        files.dedup();
        for entry in section.iter() {
            let declaration = &entry.value;
            let text = |key: &str| declaration.get(key).and_then(Value::to_display_string);
            let kind = text("Type").unwrap_or_else(|| "String".to_string());
            let no_echo = declaration
                .get("NoEcho")
                .and_then(Value::to_display_string)
                .is_some_and(|s| s.eq_ignore_ascii_case("true"));
            let name = format!("parameter `{}`", entry.key);
            let given_value = given.iter().find(|v| v.name == entry.key);
            let value = match (given_value, declaration.get("Default")) {
                (Some(v), _) => Some((
                    v.value.clone(),
                    v.span.clone(),
                    Input {
                        name,
                        value: (!no_echo).then(|| v.value.clone()),
                        via: v.via.clone(),
                        span: v.span.clone(),
                    },
                )),
                (None, Some(default)) => default_text(default).map(|text| {
                    (
                        text.clone(),
                        Some(default.span.clone()),
                        Input {
                            name,
                            value: (!no_echo).then_some(text),
                            via: "default".to_string(),
                            span: Some(default.span.clone()),
                        },
                    )
                }),
                (None, None) => {
                    if !files.is_empty() {
                        self.warn(
                            &entry.key_span,
                            format!(
                                "parameter `{}` has no default and no value in {}: it stays unknown",
                                entry.key,
                                files.join(", ")
                            ),
                        );
                    }
                    None
                }
            };
            if let Some((text, span, input)) = &value {
                let at = span.clone().unwrap_or_else(|| entry.key_span.clone());
                for problem in check_value(&entry.key, &kind, declaration, text, &input.via) {
                    self.warn(&at, problem);
                }
            }
            self.parameters.insert(
                entry.key.clone(),
                Parameter {
                    kind,
                    no_echo,
                    value: value.map(|(text, _, input)| (text, input)),
                },
            );
        }
    }
}

/// A default as the text CloudFormation receives (a YAML list written for a list type is
/// joined with commas).
fn default_text(default: &Value) -> Option<String> {
    match &default.kind {
        ValueKind::List(items) => {
            let parts: Option<Vec<String>> = items.iter().map(scalar_text).collect();
            parts.map(|p| p.join(","))
        }
        _ => scalar_text(default),
    }
}

/// A scalar as text, a whole float keeping its `.0` (`PHPVersion: 7.0` is `7.0`, as
/// CloudFormation reads the template).
fn scalar_text(value: &Value) -> Option<String> {
    match value.kind {
        ValueKind::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{f:.1}")),
        _ => value.to_display_string(),
    }
}

/// What is wrong with `value` for parameter `name` declared as `declaration`, as
/// CloudFormation checks parameter values before it creates a change set.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>
pub(crate) fn check_value(
    name: &str,
    kind: &str,
    declaration: &Value,
    value: &str,
    via: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let list = kind == "CommaDelimitedList" || kind.starts_with("List<");
    let items: Vec<&str> = if list {
        value.split(',').map(str::trim).collect()
    } else {
        vec![value]
    };
    let numeric = kind == "Number" || kind == "List<Number>";
    if numeric {
        for item in &items {
            if item.trim().parse::<f64>().is_err() {
                problems.push(format!(
                    "parameter `{name}` is a {kind}, but the value `{item}` ({via}) is not a number"
                ));
            }
        }
    }
    if let Some(allowed) = declaration.get("AllowedValues").and_then(Value::as_list) {
        let allowed: Vec<String> = allowed
            .iter()
            .filter_map(Value::to_display_string)
            .collect();
        for item in &items {
            let ok = allowed.iter().any(|a| {
                a == item
                    || (numeric
                        && a.parse::<f64>().ok().is_some()
                        && a.parse::<f64>().ok() == item.parse::<f64>().ok())
            });
            if !ok {
                problems.push(format!(
                    "the value `{item}` of parameter `{name}` ({via}) is not one of its AllowedValues ({})",
                    allowed.join(", ")
                ));
            }
        }
    }
    let number = |key: &str| {
        declaration
            .get(key)
            .and_then(Value::to_display_string)
            .and_then(|s| s.parse::<f64>().ok())
    };
    if numeric {
        for item in &items {
            let Ok(n) = item.parse::<f64>() else { continue };
            if let Some(min) = number("MinValue").filter(|min| n < *min) {
                problems.push(format!(
                    "the value `{item}` of parameter `{name}` ({via}) is below its MinValue {min}"
                ));
            }
            if let Some(max) = number("MaxValue").filter(|max| n > *max) {
                problems.push(format!(
                    "the value `{item}` of parameter `{name}` ({via}) is above its MaxValue {max}"
                ));
            }
        }
    }
    if kind == "String" {
        let length = value.chars().count() as f64;
        if let Some(min) = number("MinLength").filter(|min| length < *min) {
            problems.push(format!(
                "the value of parameter `{name}` ({via}) is shorter than its MinLength {min}"
            ));
        }
        if let Some(max) = number("MaxLength").filter(|max| length > *max) {
            problems.push(format!(
                "the value of parameter `{name}` ({via}) is longer than its MaxLength {max}"
            ));
        }
        if let Some(pattern) = declaration.get("AllowedPattern").and_then(Value::as_str) {
            // CloudFormation matches the whole value (Java regular expressions); a pattern
            // this engine cannot compile is not judged.
            if let Some(re) = allowed_pattern(pattern) {
                if re.is_match(value).ok() == Some(false) {
                    problems.push(format!(
                        "the value of parameter `{name}` ({via}) does not match its AllowedPattern `{pattern}`"
                    ));
                }
            }
        }
    }
    problems
}

/// `AllowedPattern` compiled to match a whole value (`None` when this engine cannot compile
/// it). Kept per thread: a parameter declaration is checked once per value it is given, and
/// compiling is far dearer than matching.
fn allowed_pattern(pattern: &str) -> Option<fancy_regex::Regex> {
    thread_local! {
        static COMPILED: std::cell::RefCell<std::collections::HashMap<String, Option<fancy_regex::Regex>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    /// Patterns kept per thread before the cache starts over.
    const KEPT: usize = 512;
    if let Some(known) = COMPILED.with(|c| c.borrow().get(pattern).cloned()) {
        return known;
    }
    let compiled = fancy_regex::Regex::new(&format!("^(?:{})$", java_classes(pattern))).ok();
    COMPILED.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= KEPT {
            c.clear();
        }
        c.insert(pattern.to_owned(), compiled.clone());
    });
    compiled
}

/// `\d`, `\w` and `\s` (and their negations) as Java reads them, ASCII only, spelled out for
/// a Rust engine, whose classes are Unicode: `\w` is `[0-9A-Za-z_]`, `\s` is
/// `[ \t\n\x0B\f\r]`. (Besides being Java's meaning, `[\w.-]{1,900}` over ASCII compiles in
/// a fraction of the time the Unicode class takes.) A negated class inside brackets is kept.
fn java_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let set = match n.to_ascii_lowercase() {
                    'd' => Some("0-9"),
                    'w' => Some("0-9A-Za-z_"),
                    's' => Some(" \\t\\n\\x0B\\f\\r"),
                    _ => None,
                };
                match (set, n.is_ascii_uppercase(), in_class) {
                    (Some(set), false, true) => out.push_str(set),
                    (Some(set), negated, false) => {
                        out.push_str(if negated { "[^" } else { "[" });
                        out.push_str(set);
                        out.push(']');
                    }
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
            }
            ']' if in_class && !out.ends_with('[') && !out.ends_with("[^") => {
                in_class = false;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_patterns_read_classes_as_java_does() {
        assert_eq!(
            java_classes(r"^[\w+=,.@-]{1,64}$"),
            "^[0-9A-Za-z_+=,.@-]{1,64}$"
        );
        assert_eq!(java_classes(r"^\d{12}$"), "^[0-9]{12}$");
        assert_eq!(java_classes(r"\S+\s"), r"[^ \t\n\x0B\f\r]+[ \t\n\x0B\f\r]");
        assert_eq!(java_classes(r"[]\w]"), "[]0-9A-Za-z_]");
        assert_eq!(java_classes(r"[\W]\.\\"), r"[\W]\.\\");
        let re = allowed_pattern(r"^[\w.-]{1,900}$");
        assert_eq!(
            re.as_ref().and_then(|r| r.is_match("my-key.1").ok()),
            Some(true)
        );
        // Java's \w is ASCII: an accented letter does not match.
        assert_eq!(
            re.as_ref().and_then(|r| r.is_match("clé").ok()),
            Some(false)
        );
    }

    fn declaration(yaml: &str) -> Value {
        crate::parse_yaml("t.yaml".into(), yaml, &Default::default())
            .unwrap()
            .unwrap()
    }

    #[test]
    fn numbers_allowed_values_and_patterns_are_checked() {
        let d = declaration("Type: Number\nAllowedValues: [1, 2]\nMaxValue: 5\n");
        assert_eq!(check_value("N", "Number", &d, "2", "p.json").len(), 0);
        let problems = check_value("N", "Number", &d, "x", "p.json");
        assert!(problems[0].contains("is not a number"), "{problems:?}");
        assert!(problems[1].contains("AllowedValues (1, 2)"), "{problems:?}");
        let d = declaration("Type: String\nAllowedPattern: '[a-z]+'\nMaxLength: 3\n");
        let problems = check_value("S", "String", &d, "abcD", "--parameter");
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn list_values_are_checked_item_by_item() {
        let d = declaration("Type: List<Number>\n");
        assert!(check_value("L", "List<Number>", &d, "1, 2", "f").is_empty());
        assert_eq!(check_value("L", "List<Number>", &d, "1,b", "f").len(), 1);
    }
}
