//! The parser, the evaluator and the data reader on generated input: any text either parses
//! or gives an error with a location inside the text; rule-shaped text that parses evaluates
//! without panicking; any text is a data file or an error with a location.

use proptest::prelude::*;
use stet_rules::RuleSet;

const DOC: &str = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: [{Key: a, Value: b}]\n      Name: x\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_text_parses_or_fails_with_a_location(text in "\\PC{0,200}") {
        if let Err(e) = RuleSet::parse("r.guard", &text) {
            if let Some(span) = e.span() {
                prop_assert!(span.start.offset <= text.len());
            }
            let _ = e.render();
        }
    }

    #[test]
    fn rule_shaped_text_evaluates(body in "(Resources|Properties|\\.\\*|\\[\\*\\]|\\[0\\]|\\[ Type == 'x' \\]|\\.Tags|\\.Key|%v| == | != | IN | exists| !empty| empty|'a'|/a/|r\\[1,2\\]|\\[1, 2\\]| or |\\n|\\{|\\}| some |when |this|count\\(Resources\\)){1,30}") {
        let text = format!("let v = Resources.*\nrule r {{\n{body}\n}}\n");
        if let Ok(rules) = RuleSet::parse("r.guard", &text) {
            let doc = stet_graph::parse_yaml("d.yaml".into(), DOC, &Default::default()).unwrap().root.unwrap();
            let _ = rules.evaluate(&doc);
        }
    }

    #[test]
    fn any_text_as_data_reads_or_fails_with_a_location(text in "(a|b|-|:|\\[|\\]|\\{|\\}|,|'|\"| |\\n|!Ref |&x|\\*x|---|#|1|yes|~|\\?){0,80}") {
        for read in [stet_rules::parse_data, stet_rules::parse_test_yaml] {
            if let Err(e) = read("d.yaml".into(), &text) {
                prop_assert!(e.span.start.offset <= text.len());
            }
        }
    }
}
