//! Any text as a CloudFormation YAML template.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(Some(parsed)) = stet_cloudformation::parse_template("t.yaml".into(), text, &Default::default()) {
            // Every span must point inside the text.
            for resource in &parsed.graph.resources {
                assert!(resource.span.end.offset <= text.len());
            }
        }
    }
});
