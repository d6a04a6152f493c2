//! Any bytes as a CloudFormation template (YAML and JSON) and as a Terraform module, checked
//! with the whole built-in rule pack: evaluation never panics, hangs or grows without bound.
#![no_main]
use libfuzzer_sys::fuzz_target;
use stet::{builtin_rules, check, Loaded, Pack};
use stet_terraform::{load_module, LoadOptions, MemoryFiles};

/// The built-in pack, parsed once for the whole run.
fn rules() -> &'static [stet::RuleSet] {
    static RULES: std::sync::OnceLock<Vec<stet::RuleSet>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let (rules, diagnostics) = builtin_rules(Pack::Configuration);
        assert!(diagnostics.is_empty());
        rules
    })
}

fuzz_target!(|data: &[u8]| {
    let limits = stet_graph::Limits::default();
    let mut loaded = Loaded::default();
    if let Ok(text) = std::str::from_utf8(data) {
        for name in ["t.yaml", "t.json"] {
            if let Ok(Some(parsed)) = stet_cloudformation::parse_template(name.into(), text, &limits) {
                loaded.graphs.push(parsed.graph);
            }
        }
    }
    let mut files = MemoryFiles::default();
    files.insert("m/main.tf", data.to_vec());
    let mut options = LoadOptions::default();
    options.limits.max_eval_steps = 200_000;
    options.confine = Some("m".into());
    loaded.graphs.push(load_module(&files, "m".as_ref(), &options).graph);
    let _ = check(&loaded, rules());
});
