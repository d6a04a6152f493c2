//! Issue #16: a finding on a value written once in a module but judged in one instance of it
//! names that instance, not whichever instance comes first.

use stet::{builtin_rules, check, load, LoadOptions, Pack};

#[test]
fn a_finding_names_the_module_instance_whose_value_fails() {
    let root = std::env::temp_dir().join(format!("stet-instances-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let module = root.join("modules/registry");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(
        root.join("main.tf"),
        "module \"pinned\" {\n  source    = \"./modules/registry\"\n  immutable = true\n}\n\nmodule \"loose\" {\n  source    = \"./modules/registry\"\n  immutable = false\n}\n",
    )
    .unwrap();
    std::fs::write(
        module.join("main.tf"),
        "variable \"immutable\" {\n  type = bool\n}\n\nresource \"aws_ecr_repository\" \"this\" {\n  name                 = \"app\"\n  image_tag_mutability = var.immutable ? \"IMMUTABLE\" : \"MUTABLE\"\n}\n",
    )
    .unwrap();
    let loaded = load(
        std::slice::from_ref(&root),
        &LoadOptions {
            root: Some(root.clone()),
            ..LoadOptions::default()
        },
    );
    let (rules, problems) = builtin_rules(Pack::Configuration);
    assert!(problems.is_empty(), "{problems:?}");
    let (findings, _) = check(&loaded, &rules);
    let _ = std::fs::remove_dir_all(&root);
    let pin005: Vec<&str> = findings
        .iter()
        .filter(|f| {
            f.rule == "PIN005" && f.span.file.ends_with("main.tf") && !f.resource.is_empty()
        })
        .filter(|f| f.resource.starts_with("module."))
        .map(|f| f.resource.as_str())
        .collect();
    // Both instances share the line of `image_tag_mutability`; only the loose one fails.
    assert_eq!(
        pin005,
        ["module.loose.aws_ecr_repository.this"],
        "{findings:#?}"
    );
}

#[test]
fn a_finding_names_the_resource_a_foreach_loop_writes() {
    // A resource written by `Fn::ForEach` has no entry of its own in the template as written:
    // it is named by its logical ID in the deployed template.
    let root = std::env::temp_dir().join(format!("stet-foreach-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("template.yaml"),
        "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Tables:\n    - Name\n    - [Orders]\n    - Table${Name}:\n        Type: AWS::DynamoDB::Table\n        Properties:\n          BillingMode: PAY_PER_REQUEST\n",
    )
    .unwrap();
    let loaded = load(
        std::slice::from_ref(&root),
        &LoadOptions {
            root: Some(root.clone()),
            ..LoadOptions::default()
        },
    );
    let (rules, problems) = builtin_rules(Pack::Configuration);
    assert!(problems.is_empty(), "{problems:?}");
    let (findings, _) = check(&loaded, &rules);
    let _ = std::fs::remove_dir_all(&root);
    let mut7: Vec<(&str, &str, u32)> = findings
        .iter()
        .filter(|f| f.rule == "MUT007")
        .map(|f| {
            (
                f.resource.as_str(),
                f.resource_type.as_str(),
                f.span.start.line,
            )
        })
        .collect();
    assert_eq!(
        mut7,
        [("TableOrders", "AWS::DynamoDB::Table", 8)],
        "{findings:#?}"
    );
}
