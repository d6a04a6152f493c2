//! Any text as a rule file: parsing never panics, and a file that parses evaluates over a
//! small template without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;

const DOC: &str = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: [{Key: a, Value: b}]\n";

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(rules) = stet_rules::RuleSet::parse("r.guard", text) {
            if let Ok(Some(doc)) = stet_cloudformation::parse_yaml("d.yaml".into(), DOC, &Default::default()) {
                let _ = rules.evaluate(&doc);
            }
        }
    }
});
