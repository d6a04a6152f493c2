//! The rule index, `docs/rules/README.md`, agrees with the pack it lists: one row per built-in
//! rule, in the pack's order of families, with the severity and formats of the rule file's
//! header and a link to the rule's page in `crates/stet/rules/`; and every header's `docs`
//! names that page.

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
        assert_eq!(
            link,
            &format!("../../crates/stet/rules/{id}.md"),
            "{id}: the index links its page"
        );
        assert_eq!(
            meta.docs.as_deref(),
            Some(format!("crates/stet/rules/{id}.md").as_str()),
            "{id}: the header's docs names its page"
        );
    }
}
