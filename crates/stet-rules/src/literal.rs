//! Values written in a rule file: strings, numbers, booleans, `null`, regexes, ranges, and
//! lists and maps of them, each with its place in the rule file. The same type holds values
//! a function computes (a `parse_char` result is a character, which documents never hold).

use fancy_regex::Regex;
use std::sync::Arc;
use stet_graph::Span;

/// A literal value and where it is written (for a computed value: where its input was).
#[derive(Debug, Clone)]
pub struct Lit {
    /// What it is.
    pub kind: LitKind,
    /// Where it is written.
    pub span: Span,
}

/// The shapes a [`Lit`] can take: cfn-guard's value kinds.
#[derive(Debug, Clone)]
pub enum LitKind {
    /// `null`, `NULL`, `Null`.
    Null,
    /// `true`, `True`, `TRUE` and the three spellings of false.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction or an exponent.
    Float(f64),
    /// One character (a character range's bound, a `parse_char` result).
    Char(char),
    /// A quoted string.
    String(String),
    /// `/regex/`.
    Regex(RegexLiteral),
    /// `[a, b]`.
    List(Vec<Lit>),
    /// `{key: value}`, in written order (a repeated key keeps its first place, last value).
    Map(Vec<(String, Lit)>),
    /// `r[1, 5)`.
    RangeInt(Range<i64>),
    /// `r[1.5, 2.5]`.
    RangeFloat(Range<f64>),
    /// `r[a, f]`.
    RangeChar(Range<char>),
}

/// `r[a, b]`, `r(a, b)` or mixed bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range<T> {
    /// Lower bound.
    pub lower: T,
    /// Upper bound.
    pub upper: T,
    /// Whether the lower bound is included (`[`).
    pub lower_inclusive: bool,
    /// Whether the upper bound is included (`]`).
    pub upper_inclusive: bool,
}

impl<T: PartialOrd> Range<T> {
    /// Whether `x` lies in the range.
    pub fn contains(&self, x: &T) -> bool {
        let above = if self.lower_inclusive {
            self.lower <= *x
        } else {
            self.lower < *x
        };
        let below = if self.upper_inclusive {
            self.upper >= *x
        } else {
            self.upper > *x
        };
        above && below
    }
}

/// Compiles `pattern` as cfn-guard's regex engine reads it, without the full DFA the
/// underlying engine would otherwise build for a small pattern: determinising it was most of a
/// small run's time spent on regexes (6 of 8.4 million instructions for the dozen the built-in
/// pack compiles on one file), while the lazy DFA used instead builds only the states a match
/// visits. Which texts match does not change, only how the engine finds them.
///
/// # Errors
/// The regex engine's reason when the pattern does not compile.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, String> {
    fancy_regex::RegexBuilder::new(pattern)
        .delegate_dfa_size_limit(0)
        .build()
        .map_err(|e| e.to_string())
}

/// How many distinct patterns [`shared_regex`] keeps; past it, patterns are compiled for
/// their literal alone (rule sets hold a few hundred).
const SHARED_REGEXES: usize = 4096;

/// `pattern` compiled once per process: the same pattern written in several rule files (the
/// built-in pack writes `/^\s*$/` in 22 places and `/:latest$/` in 23) is compiled the first
/// time any of them is used, and the others share it (a compiled [`Regex`] may be used from
/// any thread). `None` when it does not compile.
fn shared_regex(pattern: &str) -> Option<Arc<Regex>> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static COMPILED: OnceLock<Mutex<HashMap<String, Option<Arc<Regex>>>>> = OnceLock::new();
    let shared = COMPILED.get_or_init(Mutex::default);
    if let Some(known) = shared.lock().ok().and_then(|m| m.get(pattern).cloned()) {
        return known;
    }
    let compiled = compile_regex(pattern).ok().map(Arc::new);
    if let Ok(mut map) = shared.lock() {
        if map.len() < SHARED_REGEXES {
            map.insert(pattern.to_string(), compiled.clone());
        }
    }
    compiled
}

/// A `/regex/`: its syntax is checked when the rule file is parsed, and it is compiled the
/// first time a comparison uses it (most of a small run's start-up was compiling regexes of
/// clauses that never ran).
#[derive(Clone)]
pub struct RegexLiteral {
    /// The pattern as cfn-guard reads it (`\/` already turned into `/`).
    pub source: String,
    /// Behind a pointer, so that every literal value (which may be a regex) stays small.
    compiled: std::sync::OnceLock<Option<Arc<Regex>>>,
}

/// The pattern (whether it has been compiled yet is not part of the value).
impl std::fmt::Debug for RegexLiteral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegexLiteral")
            .field("source", &self.source)
            .finish()
    }
}

impl RegexLiteral {
    /// A pattern whose syntax is valid.
    ///
    /// # Errors
    /// The regex engine's reason when `source` is not a valid pattern.
    pub fn new(source: String) -> Result<RegexLiteral, String> {
        fancy_regex::Expr::parse_tree(&source).map_err(|e| e.to_string())?;
        let compiled = std::sync::OnceLock::new();
        // Plain regex syntax is checked fully without compiling; a pattern with lookaround
        // or backreferences is compiled now, so its errors still show at parse time.
        if regex_syntax::Parser::new().parse(&source).is_err() {
            let regex = compile_regex(&source)?;
            let _ = compiled.set(Some(Arc::new(regex)));
        }
        Ok(RegexLiteral { source, compiled })
    }

    /// A pattern already checked by [`RegexLiteral::new`] (read back from a snapshot):
    /// compiled the first time it is used, like any other.
    pub(crate) fn checked(source: String) -> RegexLiteral {
        RegexLiteral {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The compiled pattern; `None` when a pattern with valid syntax still cannot be compiled
    /// (over the engine's size limit), so that it matches nothing.
    pub fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| shared_regex(&self.source))
            .as_deref()
    }

    /// Whether the pattern matches somewhere in `text` (a pattern that cannot run, or a
    /// match that exceeds the engine's backtracking limit, matches nothing).
    pub fn is_match(&self, text: &str) -> bool {
        self.regex()
            .is_some_and(|r| r.is_match(text).unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_syntax_is_checked_when_parsed_and_compiled_when_used() {
        for bad in ["(", "[z-a]", "a{2,1}", "(?<=a+)b", "\\"] {
            assert!(RegexLiteral::new(bad.into()).is_err(), "{bad} was accepted");
        }
        let ok = RegexLiteral::new("^ami-[0-9a-f]+$".into()).unwrap();
        assert!(ok.is_match("ami-0abc"));
    }

    #[test]
    fn ranges_honour_their_bounds() {
        let r = Range {
            lower: 1,
            upper: 5,
            lower_inclusive: true,
            upper_inclusive: false,
        };
        assert!(r.contains(&1) && r.contains(&4) && !r.contains(&5) && !r.contains(&0));
    }
}
