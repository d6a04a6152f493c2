//! The built-in rule pack: the rule files of this crate's `rules/` folder, their tests and
//! their documentation pages, embedded in the binary with the snapshot of each rule file that
//! the build script (`build.rs`) parsed, so that a run loads the pack without parsing it.
//! `stet check` runs the rules whose IDs are not `CHG…`; diff mode (`stet diff`, `plan`,
//! `changeset`, `check --base`) runs the `CHG…` rules over the changes.

use crate::diagnostic::{Diagnostic, Level};
use stet_rules::RuleSet;

/// One built-in rule: its ID, its rule file and its documentation page.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinRule {
    /// The rule's ID (`PIN001`).
    pub id: &'static str,
    /// The rule file's path in this crate (`rules/PIN001.guard`; `crates/stet/rules/` in the
    /// repository): rule errors and clause locations name it.
    pub path: &'static str,
    /// The rule file.
    pub source: &'static str,
    /// The rule's page (`rules/ID.md` beside the rule file), what `stet explain` prints.
    pub page: &'static str,
    /// The rule file as the build parsed it ([`RuleSet::to_snapshot`]; `build.rs`), so that a
    /// run loads it without parsing; empty when it did not parse.
    pub snapshot: &'static [u8],
}

macro_rules! pack {
    ($($id:literal),* $(,)?) => {
        &[$(BuiltinRule {
            id: $id,
            path: concat!("rules/", $id, ".guard"),
            source: include_str!(concat!("../rules/", $id, ".guard")),
            page: include_str!(concat!("../rules/", $id, ".md")),
            snapshot: include_bytes!(concat!(env!("OUT_DIR"), "/pack/", $id, ".bin")),
        }),*]
    };
}

/// Every built-in rule, in ID order.
pub const BUILTIN: &[BuiltinRule] = pack![
    "BG001", "BG002", "BG003", "BG004", "CHG001", "CHG002", "CHG003", "CHG004", "CHG005", "MUT001",
    "MUT002", "MUT003", "MUT004", "MUT005", "MUT006", "MUT007", "PIN001", "PIN002", "PIN003",
    "PIN004", "PIN005", "PIN006", "PIN007", "PIN008", "PIN009", "PIN010",
];

/// Which part of the pack to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pack {
    /// The rules on configuration (`stet check`).
    Configuration,
    /// The rules on changes (`CHG…`: diff mode).
    Changes,
}

impl BuiltinRule {
    /// Whether this rule reads the `Changes` section (diff mode only).
    pub fn is_change_rule(&self) -> bool {
        self.id.starts_with("CHG")
    }

    /// The rule file, loaded from the snapshot the build made of it, or parsed when there is
    /// none (it did not parse when the crate was built; the error is the same now).
    pub fn load(&self) -> Result<RuleSet, stet_rules::Error> {
        match RuleSet::from_snapshot(self.snapshot) {
            Ok(rules) => Ok(rules),
            Err(_) => RuleSet::parse(self.path, self.source),
        }
    }
}

/// The built-in rules of one part of the pack, loaded from the snapshots the build made of
/// them. A rule that does not parse is a defect of the build, reported as a diagnostic rather
/// than a crash.
pub fn builtin_rules(pack: Pack) -> (Vec<RuleSet>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    // Loaded on every core, in the pack's order.
    let parsed: Vec<(&BuiltinRule, Result<RuleSet, stet_rules::Error>)> = BUILTIN
        .par_iter()
        .filter(|rule| rule.is_change_rule() == (pack == Pack::Changes))
        .map(|rule| (rule, rule.load()))
        .collect();
    let mut rules = Vec::new();
    let mut diagnostics = Vec::new();
    for (rule, result) in parsed {
        match result {
            Ok(r) => rules.push(r),
            Err(e) => diagnostics.push(Diagnostic::file(
                std::path::Path::new(rule.path),
                format!("built-in rule does not parse: {e}"),
                Level::Error,
            )),
        }
    }
    (rules, diagnostics)
}

/// The built-in rule with this ID (case-insensitive).
pub fn builtin_rule(id: &str) -> Option<&'static BuiltinRule> {
    BUILTIN.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_is_in_the_pack_and_parses() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".guard"))
                    .map(str::to_string)
            })
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = BUILTIN.iter().map(|r| r.id).collect();
        assert_eq!(on_disk, listed, "rules/ and the BUILTIN list differ");
        for rule in BUILTIN {
            let parsed = RuleSet::parse(rule.path, rule.source).unwrap();
            let loaded = RuleSet::from_snapshot(rule.snapshot)
                .unwrap_or_else(|e| panic!("{}: no snapshot from the build: {e}", rule.path));
            assert_eq!(
                format!("{loaded:?}"),
                format!("{parsed:?}"),
                "{}: the build's snapshot is not the rule file",
                rule.path
            );
            assert_eq!(
                parsed.meta().id.as_deref(),
                Some(rule.id),
                "{}: header id",
                rule.path
            );
            assert!(
                parsed.meta().severity.is_some(),
                "{}: no severity",
                rule.path
            );
            assert!(
                parsed.meta().remediation.is_some(),
                "{}: no remediation",
                rule.path
            );
            assert!(
                !parsed.meta().formats.is_empty(),
                "{}: no formats",
                rule.path
            );
            assert!(
                rule.page.starts_with(&format!("# {}", rule.id)),
                "rules/{}.md must start with `# {}`",
                rule.id,
                rule.id
            );
        }
    }
}
