//! Any text as a CloudFormation JSON template and as a `.tf.json` file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use stet_terraform::{load_module, LoadOptions, MemoryFiles};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = stet_cloudformation::parse_template("t.json".into(), text, &Default::default());
    }
    let mut files = MemoryFiles::default();
    files.insert("m/main.tf.json", data.to_vec());
    let mut options = LoadOptions::default();
    options.limits.max_eval_steps = 200_000;
    let _ = load_module(&files, "m".as_ref(), &options);
});
