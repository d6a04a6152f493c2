//! Any bytes as a Terraform file (and as a `.tfvars` beside it): loading never panics,
//! hangs or grows without bound.
#![no_main]
use libfuzzer_sys::fuzz_target;
use stet_terraform::{load_module, LoadOptions, MemoryFiles};

fuzz_target!(|data: &[u8]| {
    let mut files = MemoryFiles::default();
    files.insert("m/main.tf", data.to_vec());
    files.insert("m/terraform.tfvars", data.to_vec());
    files.insert("m/child/main.tf", data.to_vec());
    let mut options = LoadOptions::default();
    options.limits.max_eval_steps = 200_000;
    options.confine = Some("m".into());
    let _ = load_module(&files, "m".as_ref(), &options);
});
