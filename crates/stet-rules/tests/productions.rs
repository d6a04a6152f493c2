//! Every production of cfn-guard 3.2.1's rule-file parser, with the rule files it accepts
//! and those it rejects (`fixtures/guard-language/productions.yaml`, checked against the
//! installed cfn-guard with `cargo run -p stet-rules --example guard_oracle --
//! check-productions`): stet accepts and rejects exactly the same, and says where a rejected
//! file goes wrong.

use std::path::Path;
use stet_rules::RuleSet;

#[test]
fn each_production_accepts_and_rejects_what_cfn_guard_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/guard-language/productions.yaml");
    let text = std::fs::read_to_string(&path).expect("the productions file");
    let productions = stet_rules::parse_test_yaml("productions.yaml".into(), &text)
        .expect("the productions file is YAML")
        .expect("a list of productions");
    let mut wrong = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    let productions = productions.as_list().expect("a list");
    for production in productions {
        let name = production
            .get("production")
            .and_then(|p| p.as_str())
            .unwrap_or_default();
        for (key, accepts) in [("accepts", true), ("rejects", false)] {
            for snippet in production
                .get(key)
                .and_then(|v| v.as_list())
                .unwrap_or_default()
            {
                let snippet = snippet.as_str().expect("a rule file");
                match (RuleSet::parse("snippet.guard", snippet), accepts) {
                    (Ok(_), true) => accepted += 1,
                    (Err(e), false) => {
                        rejected += 1;
                        // The error points into the text, with a line and column.
                        let span = e.span().expect("a syntax error has a place");
                        assert!(span.start.offset <= snippet.len(), "{snippet}: {e}");
                        assert!(span.start.line >= 1 && span.start.column >= 1);
                    }
                    (Ok(_), false) => wrong.push(format!("{name}: accepted\n{snippet}")),
                    (Err(e), true) => wrong.push(format!("{name}: rejected ({e})\n{snippet}")),
                }
            }
        }
    }
    eprintln!(
        "{} productions: {accepted} rule files accepted, {rejected} rejected",
        productions.len()
    );
    assert!(productions.len() >= 30, "too few productions");
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
