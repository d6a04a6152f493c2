//! Every construct of the rule language, each with inputs that make it PASS, FAIL and SKIP; the
//! expected statuses are cfn-guard 3.2.1's (checked with the installed cfn-guard).

use stet_rules::{RuleSet, Status};

const DOC: &str = r#"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: logs-bucket
      Tags:
        - Key: env
          Value: prod
        - Key: team
          Value: platform
      VersioningConfiguration:
        Status: Enabled
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      MessageRetentionPeriod: 345600
      Policy: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}'
  Role:
    Type: AWS::IAM::Role
    Properties:
      Path: /service/
      ManagedPolicyArns: []
Parameters:
  Env:
    Type: String
    Default: prod
"#;

fn statuses(rules: &str, doc: &str) -> Vec<(String, Status)> {
    let set = RuleSet::parse("t.guard", rules).unwrap_or_else(|e| panic!("{}", e.render()));
    let doc = stet_graph::parse_yaml("d.yaml".into(), doc, &Default::default())
        .unwrap()
        .root
        .unwrap();
    set.evaluate(&doc)
        .unwrap()
        .into_iter()
        .map(|r| (r.name, r.status))
        .collect()
}

fn check(rules: &str, expected: &[(&str, Status)]) {
    let got = statuses(rules, DOC);
    for (name, status) in expected {
        let actual = got.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
        assert_eq!(
            actual,
            Some(*status),
            "rule {name} in:\n{rules}\n got {got:?}"
        );
    }
}

use Status::{Fail, Pass, Skip};

#[test]
fn comparisons() {
    check(
        r#"
rule eq { Resources.Bucket.Properties.BucketName == 'logs-bucket' }
rule eq_fail { Resources.Bucket.Properties.BucketName == "other" }
rule ne { Resources.Bucket.Properties.BucketName != 'other' }
rule lt { Resources.Queue.Properties.VisibilityTimeout < 61 }
rule le_fail { Resources.Queue.Properties.VisibilityTimeout <= 59 }
rule gt { Resources.Queue.Properties.MessageRetentionPeriod > 1000 }
rule ge { Resources.Queue.Properties.VisibilityTimeout >= 60 }
rule in_list { Resources.Bucket.Type IN ['AWS::S3::Bucket', 'AWS::SNS::Topic'] }
rule not_in { Resources.Bucket.Type not IN ['AWS::SNS::Topic'] }
rule not_in_bang { Resources.Bucket.Type !IN ['AWS::S3::Bucket'] }
rule regex { Resources.Bucket.Properties.BucketName == /^logs-/ }
rule regex_not { Resources.Bucket.Properties.BucketName != /^data-/ }
rule range_in { Resources.Queue.Properties.VisibilityTimeout IN r[30, 60] }
rule range_open_fail { Resources.Queue.Properties.VisibilityTimeout IN r(30, 60) }
rule range_string_fail { Resources.Bucket.Properties.Tags[0].Key IN r[1, 300] }
rule string_vs_number_fail { Resources.Queue.Properties.VisibilityTimeout == '60' }
rule query_rhs { Resources.Bucket.Properties.Tags[0].Value == Parameters.Env.Default }
"#,
        &[
            ("eq", Pass),
            ("eq_fail", Fail),
            ("ne", Pass),
            ("lt", Pass),
            ("le_fail", Fail),
            ("gt", Pass),
            ("ge", Pass),
            ("in_list", Pass),
            ("not_in", Pass),
            ("not_in_bang", Fail),
            ("regex", Pass),
            ("regex_not", Pass),
            ("range_in", Pass),
            ("range_open_fail", Fail),
            ("range_string_fail", Fail),
            ("string_vs_number_fail", Fail),
            ("query_rhs", Pass),
        ],
    );
}

#[test]
fn unary_operators() {
    check(
        r#"
rule exists { Resources.Bucket.Properties.BucketName exists }
rule not_exists { Resources.Bucket.Properties.Missing !exists }
rule not_exists_word { Resources.Bucket.Properties.Missing not exists }
rule exists_fail { Resources.Bucket.Properties.Missing exists }
rule empty { Resources.Role.Properties.ManagedPolicyArns empty }
rule not_empty { Resources.Bucket.Properties.Tags !empty }
rule is_string { Resources.Bucket.Properties.BucketName is_string }
rule is_int { Resources.Queue.Properties.VisibilityTimeout is_int }
rule is_list { Resources.Bucket.Properties.Tags is_list }
rule is_struct { Resources.Bucket.Properties is_struct }
rule not_is_bool { Resources.Bucket.Properties.BucketName !is_bool }
rule is_float_fail { Resources.Queue.Properties.VisibilityTimeout is_float }
rule is_null_fail { Resources.Bucket.Properties.BucketName is_null }
"#,
        &[
            ("exists", Pass),
            ("not_exists", Pass),
            ("not_exists_word", Pass),
            ("exists_fail", Fail),
            ("empty", Pass),
            ("not_empty", Pass),
            ("is_string", Pass),
            ("is_int", Pass),
            ("is_list", Pass),
            ("is_struct", Pass),
            ("not_is_bool", Pass),
            ("is_float_fail", Fail),
            ("is_null_fail", Fail),
        ],
    );
}

#[test]
fn queries_filters_and_some() {
    check(
        r#"
let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
let topics = Resources.*[ Type == 'AWS::SNS::Topic' ]
rule filter_var { %buckets.Properties.VersioningConfiguration.Status == 'Enabled' }
rule all_indices { %buckets.Properties.Tags[*].Key IN ['env', 'team'] }
rule some_pass { some %buckets.Properties.Tags[*].Key == 'team' }
rule all_fail { %buckets.Properties.Tags[*].Key == 'team' }
rule index { %buckets.Properties.Tags[1].Value == 'platform' }
rule negative_index { %buckets.Properties.Tags[-1].Key == 'team' }
rule quoted_key { Resources.Bucket."Properties".BucketName exists }
rule map_key_filter { Resources[ keys == /^Q/ ].Type == 'AWS::SQS::Queue' }
rule disjunction_filter { Resources.*[ Type == 'AWS::SNS::Topic' or Type == 'AWS::SQS::Queue' ].Properties.VisibilityTimeout == 60 }
rule empty_selection_skips { %topics.Properties.TopicName exists }
rule filter_on_list { %buckets.Properties.Tags[ Key == 'env' ].Value == 'prod' }
"#,
        &[
            ("filter_var", Pass),
            ("all_indices", Pass),
            ("some_pass", Pass),
            ("all_fail", Fail),
            ("index", Pass),
            ("negative_index", Pass),
            ("quoted_key", Pass),
            ("map_key_filter", Pass),
            ("disjunction_filter", Pass),
            ("empty_selection_skips", Skip),
            ("filter_on_list", Pass),
        ],
    );
}

#[test]
fn rules_when_blocks_and_references() {
    check(
        r#"
let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
let topics = Resources.*[ Type == 'AWS::SNS::Topic' ]
rule guarded when %buckets !empty { %buckets.Properties.BucketName exists }
rule skipped when %topics !empty { %topics.Properties.TopicName exists }
rule uses_rule when guarded { Resources.Queue exists }
rule skipped_dependency_fails when skipped { Resources.Queue exists }
rule negated_reference {
    !skipped
}
rule negated_reference_in_when when !skipped {
    Resources.Queue exists
}
rule reference_clause {
    guarded
}
rule when_block {
    when Resources.Queue exists { Resources.Queue.Properties.VisibilityTimeout == 60 }
    when Resources.Topic exists { Resources.Topic.Properties.X == 1 }
}
rule type_block {
    AWS::S3::Bucket { Properties.BucketName == /bucket$/ }
}
rule type_block_skip { AWS::SNS::Topic { Properties.TopicName exists } }
rule type_block_when {
    AWS::SQS::Queue when Resources.Queue exists { Properties.VisibilityTimeout < 100 }
}
# A type block's `when` is evaluated on each resource, not on the document (cfn-guard 3.2.1).
rule type_block_when_on_document {
    AWS::SQS::Queue when Properties.VisibilityTimeout exists { Properties.VisibilityTimeout < 100 }
}
rule block_clause {
    Resources.Bucket.Properties {
        BucketName exists
        VersioningConfiguration.Status == 'Enabled'
    }
}
rule some_block {
    some Resources.Bucket.Properties.Tags[*] {
        Key == 'team'
        Value == 'platform'
    }
}
rule or_clauses {
    Resources.Bucket.Properties.BucketName == 'x' or
    Resources.Bucket.Properties.BucketName == 'logs-bucket'
}
rule or_on_own_line {
    Resources.Bucket.Properties.BucketName == 'x'
    OR
    Resources.Bucket.Properties.BucketName == 'y'
}
rule this_and_block_let {
    Resources.Bucket {
        let self = this
        %self.Type == 'AWS::S3::Bucket'
    }
}
rule not_clause { not Resources.Bucket.Properties.Missing exists }
"#,
        &[
            ("guarded", Pass),
            ("skipped", Skip),
            ("uses_rule", Pass),
            ("skipped_dependency_fails", Skip),
            // As in cfn-guard 3.2.1: a SKIPped rule fails an assertion, negated or not, but
            // `!rule` holds for it in a `when` guard.
            ("negated_reference", Fail),
            ("negated_reference_in_when", Pass),
            ("reference_clause", Pass),
            ("when_block", Pass),
            ("type_block", Pass),
            ("type_block_skip", Skip),
            ("type_block_when", Skip),
            ("type_block_when_on_document", Pass),
            ("block_clause", Pass),
            ("some_block", Pass),
            ("or_clauses", Pass),
            ("or_on_own_line", Fail),
            ("this_and_block_let", Pass),
            ("not_clause", Pass),
        ],
    );
}

#[test]
fn parameterized_rules_and_functions() {
    check(
        r#"
rule has_tag(tags, key) { some %tags.Key == %key }
rule call_pass { has_tag(Resources.Bucket.Properties.Tags[*], 'env') }
rule call_fail { has_tag(Resources.Bucket.Properties.Tags[*], 'cost') }
let tag_count = count(Resources.Bucket.Properties.Tags[*])
rule count { %tag_count == 2 }
let policy = json_parse(Resources.Queue.Properties.Policy)
rule json_parse { %policy.Statement[0].Effect == 'Allow' }
let upper = to_upper(Resources.Bucket.Properties.BucketName)
rule to_upper { %upper == 'LOGS-BUCKET' }
let lower = to_lower('ABC')
rule to_lower { %lower == 'abc' }
let replaced = regex_replace(Resources.Bucket.Properties.BucketName, '^(\w+)-(\w+)$', '${2}-${1}')
rule regex_replace { %replaced == 'bucket-logs' }
let joined = join(Resources.Bucket.Properties.Tags[*].Key, ',')
rule join { %joined == 'env,team' }
let sub = substring(Resources.Bucket.Properties.BucketName, 0, 4)
rule substring { %sub == 'logs' }
let decoded = url_decode('a%20b')
rule url_decode { %decoded == 'a b' }
let b = parse_boolean('true')
rule parse_boolean { %b == true }
let i = parse_int('42')
rule parse_int { %i == 42 }
let f = parse_float('1.5')
rule parse_float { %f == 1.5 }
let s = parse_string(Resources.Queue.Properties.VisibilityTimeout)
rule parse_string { %s == '60' }
let c = parse_char('x')
rule parse_char { %c == 'x' }
let t = now()
let epoch = parse_epoch('2024-01-01T00:00:00Z')
rule dates { %t > %epoch }
"#,
        &[
            // As cfn-guard 3.2.1 decides: a parameter is a query result, so `some %tags.Key ==
            // %key` compares two sets, and the tag keys that are not `env` fail it.
            ("call_pass", Fail),
            ("call_fail", Fail),
            ("count", Pass),
            ("json_parse", Pass),
            ("to_upper", Pass),
            ("to_lower", Pass),
            ("regex_replace", Pass),
            ("join", Pass),
            ("substring", Pass),
            ("url_decode", Pass),
            ("parse_boolean", Pass),
            ("parse_int", Pass),
            ("parse_float", Pass),
            ("parse_string", Pass),
            // A character is not a string: `parse_char('x') == 'x'` cannot be compared.
            ("parse_char", Fail),
            ("dates", Pass),
        ],
    );
}

#[test]
fn failures_carry_locations_and_messages() {
    let set = RuleSet::parse(
        "t.guard",
        "rule r {\n  Resources.Bucket.Properties.BucketName == 'x' << name must be x >>\n}\n",
    )
    .unwrap();
    let doc = stet_graph::parse_yaml("d.yaml".into(), DOC, &Default::default())
        .unwrap()
        .root
        .unwrap();
    let result = &set.evaluate(&doc).unwrap()[0];
    assert_eq!(result.status, Fail);
    let failure = &result.failures[0];
    assert_eq!(failure.message.as_deref(), Some("name must be x"));
    assert_eq!(
        (failure.clause.start.line, failure.clause.start.column),
        (2, 3)
    );
    let at = failure.at.as_ref().unwrap();
    assert_eq!(
        (&*at.file, at.start.line, at.start.column),
        ("d.yaml", 6, 19)
    );
}

#[test]
fn load_time_errors() {
    let cases = [
        ("rule r { Resources.X exits }", "t.guard:1:22: expected"),
        (
            "let x = nope(Resources)\nrule r { %x exists }",
            "unknown function `nope`",
        ),
        (
            "let x = count(Resources, Resources)\nrule r { %x exists }",
            "`count` takes 1 argument, this call passes 2",
        ),
        (
            "rule r { Resources.X == /(/ }",
            "invalid regular expression",
        ),
        ("rule r { Resources.X IN r[1, 2.5] }", "a range's bounds"),
        (
            "rule r { Resources.X == 'open }",
            "expected a closing quote",
        ),
    ];
    for (text, expected) in cases {
        let error = RuleSet::parse("t.guard", text).expect_err(text);
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
}

#[test]
fn references_are_resolved_when_evaluated() {
    // As in cfn-guard 3.2.1, a rule file that refers to what it does not define loads, and
    // evaluating the reference stops the document's evaluation.
    let doc = stet_graph::parse_yaml("d.yaml".into(), DOC, &Default::default())
        .unwrap()
        .root
        .unwrap();
    let cases = [
        (
            "rule r { %missing exists }",
            "variable `%missing` is not defined",
        ),
        ("rule r {\n  other_rule\n}", "no rule named `other_rule`"),
        (
            "rule p(a) { %a exists }\nrule r { p(Resources, Resources) }",
            "`p` takes 1 argument, this call passes 2",
        ),
    ];
    for (text, expected) in cases {
        let set = RuleSet::parse("t.guard", text).unwrap_or_else(|e| panic!("{}", e.render()));
        let error = set.evaluate(&doc).expect_err(text);
        assert!(error.to_string().contains(expected), "{text}: {error}");
        assert!(error.to_string().starts_with("t.guard:"), "{error}");
    }
}

#[test]
fn hostile_nesting_ends_in_an_error() {
    // Found by the `guard` fuzz target: nested brackets made the old grammar backtrack
    // without end. cfn-guard rejects all three at once, and so does the parser.
    let deep = format!("let v = Resources\nrule r {{\n  %v{}x\n}}", "[".repeat(100));
    assert!(RuleSet::parse("t.guard", &deep)
        .unwrap_err()
        .to_string()
        .contains("nest deeper than 48 levels"));
    let backtracking = format!(
        "let v = Resources\nrule r {{\n  %v{}x\n}}",
        "[ a == 1 or ".repeat(40)
    );
    let started = std::time::Instant::now();
    let error = RuleSet::parse("t.guard", &backtracking).unwrap_err();
    assert!(error.span().is_some(), "{error}");
    // Found by the `guard` fuzz target in #8: 25 `[` after a key (under the nesting cap).
    let fuzzed = format!(
        "guard.SuppressedVules not exists or\n  Metadata.guard.Suppressed{}rd.SuppressedRules.* ==!= \"CW_LOGGROUP\"\n",
        "[".repeat(25)
    );
    let error = RuleSet::parse("t.guard", &fuzzed).unwrap_err();
    assert_eq!(
        error.span().map(|s| (s.start.line, s.start.column)),
        Some((2, 29))
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn syntax_errors_render_like_rustc() {
    let error = RuleSet::parse(
        "rules/s3.guard",
        "rule r {\n  Properties.BucketName exits\n}\n",
    )
    .unwrap_err();
    let rendered = error.render();
    assert!(rendered.starts_with("error: expected"), "{rendered}");
    assert!(rendered.contains(" --> rules/s3.guard:2:25"), "{rendered}");
    assert!(
        rendered.contains("2 |   Properties.BucketName exits"),
        "{rendered}"
    );
    assert!(
        rendered.lines().any(|l| l.trim_end().ends_with('^')),
        "{rendered}"
    );
}

/// The forms of rule files users wrote that did not load before (issue #15), each as
/// cfn-guard 3.2.1 evaluates it (all PASS on this document, as cfn-guard says).
#[test]
fn issue_15_forms_users_wrote() {
    let rules = r#"
let buckets = Resources[ id | Type == 'AWS::S3::Bucket' ]
rule capture_in_filter when %buckets !empty {
    %id == 'Bucket'
}
let c = parse_char('b')
rule character_range { %c IN r[a, c] }
rule upper_case_keywords {
    SOME Resources.*.Properties IS_STRUCT
    Resources.Bucket.Properties.Tags[*].Key EXISTS
    Resources.Bucket.Properties.Tags NOT EMPTY
}
AWS::S3::Bucket Properties.BucketName exists
rule block_after_unary {
    %buckets !empty {
        Properties.VersioningConfiguration.Status == 'Enabled'
    }
}
rule quoted_key_after_variable {
    %buckets.Metadata['aws:cdk:path'] == 'app/Bucket'
}
"#;
    let doc = r#"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Metadata:
      aws:cdk:path: app/Bucket
    Properties:
      BucketName: logs
      Tags:
        - Key: env
          Value: prod
      VersioningConfiguration:
        Status: Enabled
  Queue:
    Type: AWS::SQS::Queue
    Properties: {}
"#;
    let got = statuses(rules, doc);
    for name in [
        "capture_in_filter",
        "character_range",
        "upper_case_keywords",
        "default",
        "block_after_unary",
        "quoted_key_after_variable",
    ] {
        assert_eq!(
            got.iter().find(|(n, _)| n == name).map(|(_, s)| *s),
            Some(Pass),
            "{name}: {got:?}"
        );
    }
}

#[test]
fn evaluation_that_would_exhaust_the_stack_stops_with_an_error() {
    let doc = stet_graph::parse_yaml("d.yaml".into(), DOC, &Default::default())
        .unwrap()
        .root
        .unwrap();
    // A query of thousands of parts, and a chain of thousands of rule references: cfn-guard
    // recurses through both until its stack runs out.
    let long_query = format!("rule r {{ Resources{} exists }}", ".a".repeat(5000));
    let chain: String = (0..3000)
        .map(|i| format!("rule r{i} {{\n  r{}\n}}\n", i + 1))
        .chain(std::iter::once(
            "rule r3000 { Resources exists }\n".to_string(),
        ))
        .collect();
    for text in [long_query, chain] {
        let set = RuleSet::parse("t.guard", &text).unwrap_or_else(|e| panic!("{}", e.render()));
        let error = set.evaluate(&doc).expect_err("an evaluation error");
        assert!(error.to_string().contains("more than"), "{error}");
    }
}
