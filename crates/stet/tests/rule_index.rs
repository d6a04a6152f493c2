//! The rule index, `docs/rules/README.md`, agrees with the pack it lists: one row per built-in
//! rule, in the pack's order of families, with the severity and formats of the rule file's
//! header and a link to the rule's page; every header's `docs` names that page; and the page in
//! `docs/rules/` (the rule reference, what help links open) is the page written beside the rule
//! file in `crates/stet/rules/` (what `stet explain` embeds). `STET_BLESS=1` copies the pages.

use std::path::Path;

fn index() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules/README.md");
    std::fs::read_to_string(path).unwrap()
}

/// The table rows of the index: (ID, link, severity, formats).
fn rows(index: &str) -> Vec<(String, String, String, String)> {
    index
        .lines()
        .filter(|l| l.starts_with("| ["))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let (id, link) = cells.first()?.strip_prefix('[')?.split_once("](")?;
            Some((
                id.to_string(),
                link.trim_end_matches(')').to_string(),
                cells.get(1)?.to_string(),
                cells.get(2)?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn the_index_lists_every_rule_as_its_header_says() {
    let rows = rows(&index());
    let mut listed: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    listed.sort();
    let pack: Vec<&str> = stet::BUILTIN.iter().map(|r| r.id).collect();
    assert_eq!(listed, pack, "docs/rules/README.md and the pack differ");
    for (id, link, severity, formats) in &rows {
        let rule = stet::builtin_rule(id).unwrap();
        let parsed = stet::RuleSet::parse(rule.path, rule.source).unwrap();
        let meta = parsed.meta();
        assert_eq!(
            Some(severity.as_str()),
            meta.severity.map(|s| s.as_str()),
            "{id}: severity"
        );
        assert_eq!(formats, &meta.formats.join(", "), "{id}: formats");
        assert_eq!(link, &format!("{id}.md"), "{id}: the index links its page");
        assert_eq!(
            meta.docs.as_deref(),
            Some(format!("docs/rules/{id}.md").as_str()),
            "{id}: the header's docs names its page"
        );
    }
}

#[test]
fn the_reference_pages_are_the_pages_beside_the_rules() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let bless = std::env::var_os("STET_BLESS").is_some();
    let mut differ = Vec::new();
    for rule in stet::BUILTIN {
        let path = docs.join(format!("{}.md", rule.id));
        if bless {
            std::fs::write(&path, rule.page).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(rule.page) {
            differ.push(rule.id);
        }
    }
    assert!(
        differ.is_empty(),
        "docs/rules/ID.md differs from crates/stet/rules/ID.md for {differ:?}: edit the page \
         beside the rule file, then `STET_BLESS=1 cargo test -p stet-iac --test rule_index`"
    );
    // No page is left in docs/rules/ for a rule the pack no longer has.
    for entry in std::fs::read_dir(&docs).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".md") {
            assert!(
                matches!(id, "README" | "precision") || stet::builtin_rule(id).is_some(),
                "docs/rules/{name} is the page of no built-in rule"
            );
        }
    }
}
