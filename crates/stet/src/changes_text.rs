//! The text report of changes: per resource the action with a symbol (`+` create, `-`
//! delete, `~` update in place, `-/+` replace with the old one destroyed first, `+/-` with
//! the new one created first, `→` move), then each changed attribute, which one forces the
//! replacement and why, and a line diff for long strings (user data, JSON policies).

use similar::{ChangeTag, TextDiff};
use stet_diff::{Action, AttributeChange, Change, Replacement, Tally};
use stet_graph::{Value, ValueKind};

/// Strings longer than this (or with a line break) are shown as a line diff.
const LONG_STRING: usize = 72;

/// The text report of `changes`, ending with a one-line count.
pub fn changes_text(changes: &[Change]) -> String {
    let mut out = String::new();
    // Grouped by action, the most important news first: replacements, possible replacements,
    // deletions, updates, creations, moves.
    let mut ordered: Vec<&Change> = changes.iter().collect();
    ordered.sort_by_key(|c| rank(c));
    for change in ordered {
        write_change(change, &mut out);
    }
    let t = Tally::of(changes);
    out.push_str(&format!(
        "{} to create, {} to update in place, {} to replace, {} to delete, {} moved{}\n",
        t.create,
        t.update,
        t.replace,
        t.delete,
        t.moved,
        if t.other > 0 {
            format!(", {} imported or forgotten", t.other)
        } else {
            String::new()
        }
    ));
    out
}

fn rank(change: &Change) -> u8 {
    match (change.action, change.replacement) {
        (Action::Replace, _) => 0,
        (Action::Update, Replacement::Conditional) => 1,
        (Action::Delete, _) => 2,
        (Action::Update, Replacement::Unknown) => 3,
        (Action::Update, _) => 4,
        (Action::Create, _) => 5,
        (Action::Move, _) => 6,
        _ => 7,
    }
}

fn write_change(change: &Change, out: &mut String) {
    let cbd = change.create_before_destroy == Some(true);
    let symbol = change.action.symbol(cbd);
    out.push_str(&format!(
        "{symbol} {} ({})  {}:{}\n",
        change.address, change.resource_type, change.span.file, change.span.start.line
    ));
    let mut notes = Vec::new();
    if let Some(previous) = &change.previous_address {
        notes.push(format!("moved from {previous}"));
    }
    match (change.action, change.replacement) {
        (Action::Replace, _) => notes.push(match change.create_before_destroy {
            Some(true) => {
                "replaced: the new one is created before the old one is destroyed".to_string()
            }
            Some(false) => {
                "replaced: the old one is destroyed before the new one is created".to_string()
            }
            None => "replaced".to_string(),
        }),
        (Action::Update, Replacement::Conditional) => {
            notes.push("updated in place, or replaced depending on values stet cannot see".into())
        }
        (Action::Update, Replacement::Unknown) => {
            notes.push("updated; whether in place is unknown (not in the knowledge base)".into())
        }
        (Action::Update, _) => notes.push("updated in place".into()),
        _ => {}
    }
    if let Some(reason) = &change.reason {
        notes.push(reason.clone());
    }
    for note in notes {
        out.push_str(&format!("    # {note}\n"));
    }
    for attribute in &change.attributes {
        write_attribute(attribute, out);
    }
}

fn write_attribute(a: &AttributeChange, out: &mut String) {
    let mark = match a.kind() {
        "add" => "+",
        "remove" => "-",
        _ => "~",
    };
    let before = a.before.as_ref().map(shown);
    let after = a.after.as_ref().map(shown);
    let long = |s: &Option<String>| {
        s.as_ref()
            .is_some_and(|s| s.len() > LONG_STRING || s.contains('\n'))
    };
    if long(&before) || long(&after) {
        out.push_str(&format!("    {mark} {}:\n", a.path));
        let old = before.unwrap_or_default();
        let new = after.unwrap_or_default();
        write_line_diff(&old, &new, out);
    } else {
        let value = match (before, after) {
            (Some(b), Some(a)) => format!("{b} → {a}"),
            (None, Some(a)) => a,
            (Some(b), None) => b,
            (None, None) => String::new(),
        };
        out.push_str(&format!("    {mark} {}: {value}\n", a.path));
    }
    let unresolved = |v: &Option<Value>| {
        v.as_ref()
            .is_some_and(|v| matches!(v.kind, ValueKind::Expr(_)))
    };
    if let Some(cause) = &a.caused_by {
        out.push_str(&format!(
            "        (the value changes when `{cause}` is replaced)\n"
        ));
    } else if unresolved(&a.before) || unresolved(&a.after) {
        out.push_str("        (an expression changed; the value it gives may be the same)\n");
    }
    let verdict = match a.replacement {
        Replacement::Always => Some("forces replacement"),
        Replacement::Conditional => Some("may force replacement"),
        Replacement::Unknown => Some("replacement unknown"),
        Replacement::Never => None,
    };
    if let Some(verdict) = verdict {
        out.push_str(&format!("        {verdict}: {}\n", a.reason));
        if let Some(docs) = &a.docs {
            out.push_str(&format!("        see {docs}\n"));
        }
    }
}

/// A value as the text report shows it: strings quoted unless long, JSON held in a string
/// pretty-printed, maps and lists as JSON.
fn shown(v: &Value) -> String {
    match &v.kind {
        ValueKind::String(s) => {
            let trimmed = s.trim_start();
            if trimmed.starts_with('{') || trimmed.starts_with('[') {
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(s) {
                    if let Ok(pretty) = serde_json::to_string_pretty(&json) {
                        if pretty.len() > LONG_STRING {
                            return pretty;
                        }
                    }
                }
            }
            if s.len() > LONG_STRING || s.contains('\n') {
                s.clone()
            } else {
                format!("{s:?}")
            }
        }
        // An expression as written: `var.region`, `"${var.name}-logs"`.
        ValueKind::Expr(e) => e.source.trim().to_string(),
        ValueKind::Map(_) | ValueKind::List(_) => {
            let compact = v.to_json().to_string();
            if compact.len() > LONG_STRING {
                serde_json::to_string_pretty(&v.to_json()).unwrap_or(compact)
            } else {
                compact
            }
        }
        _ => v.to_json().to_string(),
    }
}

fn write_line_diff(old: &str, new: &str, out: &mut String) {
    let diff = TextDiff::from_lines(old, new);
    for group in diff.grouped_ops(2) {
        out.push_str("        @@\n");
        for op in group {
            for change in diff.iter_changes(&op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => "-",
                    ChangeTag::Insert => "+",
                    ChangeTag::Equal => " ",
                };
                let line = change.value();
                out.push_str(&format!("        {sign} {}", line));
                if !line.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
}
