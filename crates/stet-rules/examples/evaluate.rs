//! Evaluates a rule file over a YAML or JSON document and prints each rule's status and
//! failures: `cargo run -p stet-rules --example evaluate -- RULES.guard DOCUMENT.yaml`. The
//! document is read as `cfn-guard validate -d` reads a data file.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(rules_path), Some(doc_path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: evaluate RULES.guard DOCUMENT.yaml");
        std::process::exit(2);
    };
    let rules_text = std::fs::read_to_string(rules_path).unwrap_or_default();
    let rules = match stet_rules::RuleSet::parse(rules_path, &rules_text) {
        Ok(r) => r,
        Err(e) => {
            eprint!("{}", e.render());
            std::process::exit(2);
        }
    };
    let doc_text = std::fs::read_to_string(doc_path).unwrap_or_default();
    // Read as `cfn-guard validate -d` reads a data file.
    let document = match stet_rules::parse_data(doc_path.as_str().into(), &doc_text) {
        Ok(Some(document)) => document,
        Ok(None) => {
            eprintln!("{doc_path}: no document");
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    match rules.evaluate(&document) {
        Ok(results) => {
            for r in results {
                println!("{} {}", r.name, r.status.as_str());
                for f in r.failures {
                    let at = f.at.map(|s| s.to_string()).unwrap_or_default();
                    println!(
                        "  {} at {at}: {} {}",
                        f.clause,
                        f.explanation,
                        f.message.unwrap_or_default()
                    );
                }
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}
