//! Grammar-directed differential testing against cfn-guard 3.2.1, bounded and seeded, on
//! recorded answers (no cfn-guard needed): the rule files `support/generate.rs` makes for the
//! recorded seed, run on `fixtures/guard-differential/documents/`, must load where cfn-guard
//! loads them and reach cfn-guard's verdicts (each rule's status, or an evaluation error).
//!
//! With cfn-guard installed, `cargo run -p stet-rules --example guard_oracle -- run SEED COUNT`
//! runs the same comparison live for any seed and size; `record SEED COUNT` re-records the
//! answers this test reads (needed whenever the generator changes).

mod support {
    pub mod answers;
    pub mod generate;
}

use std::path::Path;
use support::answers::{self, Answer};

#[test]
fn generated_rule_files_reach_cfn_guards_verdicts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("fixtures/guard-differential/answers.json"))
            .expect("the recorded answers"),
    )
    .expect("the recorded answers are JSON");
    let documents = answers::documents(&root.join("fixtures/guard-differential/documents"));
    let seed = recorded["seed"].as_u64().expect("a seed");
    let cases = recorded["cases"].as_array().expect("cases");
    assert!(cases.len() >= 300, "the recorded run is too small");
    let mut differences = Vec::new();
    let (mut accepted, mut verdicts) = (0, 0);
    for case in cases {
        let index = case["index"].as_u64().expect("an index");
        let text = support::generate::case(seed, index);
        assert_eq!(
            case["hash"].as_str(),
            Some(support::generate::hash(&text).as_str()),
            "case {index} of seed {seed} is no longer the text that was recorded: re-record with \
             `cargo run -p stet-rules --example guard_oracle -- record {seed} {}`",
            cases.len()
        );
        let theirs = Answer::from_json(&case["answer"]).expect("a recorded answer");
        let ours = answers::stet_answer(&text, &documents);
        if let Answer::Accepted(docs) = &theirs {
            accepted += 1;
            verdicts += docs.len();
        }
        if ours != theirs {
            differences.push(format!(
                "case {index}:\n{text}\nstet:      {}\ncfn-guard: {}",
                ours.to_json(),
                theirs.to_json()
            ));
        }
    }
    eprintln!(
        "seed {seed}: {} rule files, {accepted} accepted by cfn-guard, {verdicts} verdicts, {} differences",
        cases.len(),
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}
