//! Resolution, function by function, on small templates.

use super::*;
use serde_json::{json, Value as Json};

fn template(text: &str) -> Value {
    crate::parse_yaml("t.yaml".into(), text, &Default::default())
        .unwrap()
        .unwrap()
}

fn resolve_with(text: &str, values: &[(&str, &str)]) -> Resolution {
    let values: Vec<ParameterValue> = values
        .iter()
        .map(|(k, v)| ParameterValue {
            name: k.to_string(),
            value: v.to_string(),
            via: "--parameter".into(),
            span: None,
        })
        .collect();
    resolve_template(&template(text), &values)
}

fn resolved(text: &str) -> Json {
    resolve_with(text, &[]).resolved.document.to_json()
}

fn property(doc: &Json, resource: &str, name: &str) -> Json {
    doc["Resources"][resource]["Properties"][name].clone()
}

const EXAMPLE: &str = "
Parameters:
  ImageTag: {Type: String, Default: latest}
  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}
Mappings:
  Sizes:
    prod: {Type: m5.large}
    dev: {Type: t3.micro}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: !Sub 'repo/app:${ImageTag}'
  Web:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: !FindInMap [Sizes, !Ref Env, Type]
      Monitoring: !If [IsProd, true, false]
      KeyName: !If [IsProd, !Ref AWS::NoValue, dev-key]
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Condition: IsProd
    Properties: {}
Outputs:
  AlarmName:
    Condition: IsProd
    Value: !Ref Alarm
  Size:
    Value: !FindInMap [Sizes, !Ref Env, Type]
";

#[test]
fn parameters_mappings_and_conditions_resolve() {
    let doc = resolved(EXAMPLE);
    assert_eq!(
        property(&doc, "Task", "ContainerDefinitions")[0]["Image"],
        "repo/app:latest"
    );
    assert_eq!(property(&doc, "Web", "InstanceType"), "m5.large");
    assert_eq!(property(&doc, "Web", "Monitoring"), true);
    assert_eq!(property(&doc, "Web", "KeyName"), Json::Null);
    assert!(doc["Resources"]["Alarm"].is_object());
    assert_eq!(doc["Conditions"]["IsProd"], true);
}

#[test]
fn given_values_win_over_defaults_and_false_conditions_drop_resources() {
    let r = resolve_with(EXAMPLE, &[("Env", "dev"), ("ImageTag", "1.2.0")]);
    let doc = r.resolved.document.to_json();
    assert_eq!(
        property(&doc, "Task", "ContainerDefinitions")[0]["Image"],
        "repo/app:1.2.0"
    );
    assert_eq!(property(&doc, "Web", "InstanceType"), "t3.micro");
    assert_eq!(property(&doc, "Web", "KeyName"), "dev-key");
    assert!(doc["Resources"].get("Alarm").is_none());
    assert!(doc["Outputs"].get("AlarmName").is_none());
    assert_eq!(doc["Outputs"]["Size"]["Value"], "t3.micro");
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn computed_values_record_their_inputs() {
    let r = resolve_with(EXAMPLE, &[("Env", "dev")]);
    let resources = r.resolved.document.get("Resources").unwrap();
    let image = resources
        .get("Task")
        .and_then(|t| t.get("Properties"))
        .and_then(|p| p.get("ContainerDefinitions"))
        .and_then(|c| c.as_list())
        .and_then(|l| l.first())
        .and_then(|c| c.get("Image"))
        .unwrap();
    let inputs = r.resolved.inputs_at(&image.span);
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].name, "parameter `ImageTag`");
    assert_eq!(inputs[0].via, "default");
    assert_eq!(inputs[0].span.as_ref().map(|s| s.start.line), Some(3));
    let size = resources
        .get("Web")
        .and_then(|w| w.get("Properties"))
        .and_then(|p| p.get("InstanceType"))
        .unwrap();
    let names: Vec<String> = r
        .resolved
        .inputs_at(&size.span)
        .iter()
        .map(|i| i.describe())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("parameter `Env` = `dev` (--parameter)")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("mapping `Sizes` (dev, Type)")),
        "{names:?}"
    );
}

#[test]
fn resource_references_and_pseudo_parameters_stay_unknown() {
    let doc = resolved(
        "Resources:
  Logs: {Type: AWS::S3::Bucket}
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Logs
      A: !Sub 'arn:${AWS::Partition}:s3:::${Logs}/*'
      B: !Join ['', ['arn:', !Ref AWS::Partition, ':s3:::', !Ref Logs, '/*']]
      C: !GetAtt Logs.Arn
      D: !Sub '${!Literal}-${AWS::Region}'
",
    );
    assert_eq!(property(&doc, "Policy", "Bucket"), "${Logs}");
    assert_eq!(
        property(&doc, "Policy", "A"),
        "arn:${AWS::Partition}:s3:::${Logs}/*"
    );
    assert_eq!(property(&doc, "Policy", "A"), property(&doc, "Policy", "B"));
    assert_eq!(property(&doc, "Policy", "C"), "${Logs.Arn}");
    assert_eq!(property(&doc, "Policy", "D"), "${Literal}-${AWS::Region}");
}

#[test]
fn equal_join_and_sub_rewrites_are_the_same_value() {
    let r = resolve_with(
        "Resources:
  Vpc: {Type: AWS::EC2::VPC}
  E:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      A: !Join ['', ['com.amazonaws.', !Ref 'AWS::Region', '.s3']]
      B: !Sub 'com.amazonaws.${AWS::Region}.s3'
",
        &[],
    );
    let props = r
        .resolved
        .document
        .get("Resources")
        .and_then(|x| x.get("E"))
        .and_then(|x| x.get("Properties"))
        .unwrap();
    let (a, b) = (props.get("A").unwrap(), props.get("B").unwrap());
    assert!(a.same(b), "{a:?} vs {b:?}");
}

#[test]
fn pseudo_parameters_given_resolve_and_imply_partition() {
    let r = resolve_with(
        "Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      X: !Sub 'arn:${AWS::Partition}:s3:::b-${AWS::Region}.${AWS::URLSuffix}'
",
        &[("AWS::Region", "cn-north-1")],
    );
    let doc = r.resolved.document.to_json();
    assert_eq!(
        property(&doc, "B", "X"),
        "arn:aws-cn:s3:::b-cn-north-1.amazonaws.com.cn"
    );
}

#[test]
fn lists_select_split_length_cidr_and_json() {
    let doc = resolved(
        "Parameters:
  Subnets: {Type: CommaDelimitedList, Default: 'a, b,c'}
Resources:
  R:
    Type: AWS::X::Y
    Properties:
      First: !Select [0, !Ref Subnets]
      Second: !Select ['1', !Split [',', 'x,y,z']]
      Count: !Length [1, 2, 3]
      Joined: !Join [',', !Ref Subnets]
      Cidrs: !Cidr ['10.0.0.0/16', 2, 8]
      Json: !ToJsonString {a: [1, !Ref Subnets]}
      Zone: !Select [0, !GetAZs '']
      Imported: !ImportValue shared-vpc
      Encoded: !Base64 {'Fn::Sub': 'hello ${AWS::StackName}'}
",
    );
    assert_eq!(property(&doc, "R", "First"), "a");
    assert_eq!(property(&doc, "R", "Second"), "y");
    assert_eq!(property(&doc, "R", "Count"), 3);
    assert_eq!(property(&doc, "R", "Joined"), "a,b,c");
    assert_eq!(
        property(&doc, "R", "Cidrs"),
        json!(["10.0.0.0/24", "10.0.1.0/24"])
    );
    assert_eq!(property(&doc, "R", "Json"), r#"{"a":[1,["a","b","c"]]}"#);
    let zone = property(&doc, "R", "Zone");
    assert!(zone.as_str().unwrap().starts_with("${Fn::Select"), "{zone}");
    assert!(property(&doc, "R", "Imported")
        .as_str()
        .unwrap()
        .starts_with("${Fn::ImportValue"));
    assert_eq!(
        property(&doc, "R", "Encoded"),
        json!({"Fn::Base64": "hello ${AWS::StackName}"})
    );
}

#[test]
fn unknown_conditions_keep_both_branches_unknown() {
    let r = resolve_with(
        "Parameters:
  Snapshot: {Type: String}
Conditions:
  NoSnapshot: !Equals [!Ref Snapshot, '']
  Both: !And [!Condition NoSnapshot, !Equals [a, b]]
Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      SnapshotIdentifier: !If [NoSnapshot, !Ref AWS::NoValue, !Ref Snapshot]
      Same: !If [NoSnapshot, x, x]
",
        &[],
    );
    let doc = r.resolved.document.to_json();
    let value = r
        .resolved
        .document
        .get("Resources")
        .and_then(|x| x.get("Db"))
        .and_then(|x| x.get("Properties"))
        .and_then(|x| x.get("SnapshotIdentifier"))
        .unwrap();
    assert!(symbolic::has_unknown_condition(value));
    assert_eq!(property(&doc, "Db", "Same"), "x");
    // One false operand decides `Fn::And` whatever the unknown one is.
    assert_eq!(doc["Conditions"]["Both"], false);
    assert!(doc["Conditions"]["NoSnapshot"]
        .as_str()
        .unwrap()
        .starts_with("${Condition"));
}

#[test]
fn undefined_references_are_located_warnings() {
    let r = resolve_with(
        "Resources:
  A:
    Type: AWS::S3::Bucket
    Condition: Missing
    Properties:
      X: !Ref Nowhere
      Y: !GetAtt Ghost.Arn
      Z: !FindInMap [NoMap, a, b]
      W: !If [AlsoMissing, 1, 2]
",
        &[],
    );
    let messages: Vec<String> = r.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(messages.len(), 5, "{messages:?}");
    assert!(
        messages[0].starts_with("t.yaml:4:16: condition `Missing`"),
        "{messages:?}"
    );
    assert!(messages
        .iter()
        .any(|m| m.contains("`Nowhere` is not a parameter")));
    assert!(messages.iter().any(|m| m.contains("`Ghost`")));
    assert!(messages.iter().any(|m| m.contains("`NoMap`")));
    assert!(r.problems.iter().all(Error::is_warning));
}

#[test]
fn find_in_map_default_value() {
    let doc = resolved(
        "Mappings:
  M: {a: {b: 1}}
Resources:
  R:
    Type: AWS::X::Y
    Properties:
      Hit: !FindInMap [M, a, b, {DefaultValue: 9}]
      Miss: !FindInMap [M, a, c, {DefaultValue: 9}]
",
    );
    assert_eq!(property(&doc, "R", "Hit"), 1);
    assert_eq!(property(&doc, "R", "Miss"), 9);
}

#[test]
fn for_each_writes_resources_and_outputs() {
    let doc = resolved(
        "Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: 'a-1,b'}
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic&{Name}:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub 'topic-${Name}'
          Display: !Ref Name
Outputs:
  Fn::ForEach::Out:
    - Name
    - [x]
    - Out${Name}:
        Value: !Ref Topica1
",
    );
    assert_eq!(property(&doc, "Topica1", "TopicName"), "topic-a-1");
    assert_eq!(property(&doc, "Topicb", "Display"), "b");
    assert_eq!(doc["Outputs"]["Outx"]["Value"], "${Topica1}");
}

#[test]
fn parameter_values_are_checked_against_their_declaration() {
    let r = resolve_with(EXAMPLE, &[("Env", "staging")]);
    // The value, and the two places that look it up in the mapping.
    assert_eq!(r.problems.len(), 3, "{:?}", r.problems);
    assert!(r.problems[0]
        .to_string()
        .contains("AllowedValues (prod, dev)"));
    assert!(r.problems[1].to_string().contains("no entry `staging`"));
    // The value is used all the same: nothing is guessed, nothing is dropped.
    let doc = r.resolved.document.to_json();
    assert_eq!(doc["Conditions"]["IsProd"], false);
}

#[test]
fn ssm_and_no_echo_parameters_stay_unknown_but_change_when_their_value_does() {
    let text = "Parameters:
  Ami: {Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: /aws/ami/a}
  Secret: {Type: String, NoEcho: true, Default: s3cret}
Resources:
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref Ami
      Password: !Ref Secret
";
    let a = resolve_with(text, &[]);
    let b = resolve_with(text, &[("Ami", "/aws/ami/b"), ("Secret", "other")]);
    let get = |r: &Resolution, k: &str| {
        r.resolved
            .document
            .get("Resources")
            .and_then(|x| x.get("I"))
            .and_then(|x| x.get("Properties"))
            .and_then(|x| x.get(k))
            .cloned()
            .unwrap()
    };
    for key in ["ImageId", "Password"] {
        assert!(!get(&a, key).is_known());
        assert!(!get(&a, key).same(&get(&b, key)), "{key}");
    }
    assert_eq!(get(&a, "Password").to_json(), "${Secret}");
    let doc = b.resolved.document.to_json().to_string();
    assert!(!doc.contains("other"), "{doc}");
}

#[test]
fn parameters_files_naming_unknown_parameters_or_leaving_required_ones_warn() {
    let file = crate::read_parameters(
        "params.json".into(),
        "[{\"ParameterKey\": \"Typo\", \"ParameterValue\": \"x\"}]",
        "default",
        &Default::default(),
    )
    .unwrap();
    let r = resolve_template(
        &template("Parameters:\n  Key: {Type: String}\nResources:\n  A: {Type: AWS::S3::Bucket}\n"),
        &file.values,
    );
    let messages: Vec<String> = r.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "params.json:1:45: params.json gives a value for `Typo`, which the template does not declare",
            "t.yaml:2:3: parameter `Key` has no default and no value in params.json: it stays unknown",
        ]
    );
}

#[test]
fn a_whole_number_default_written_as_a_float_keeps_its_decimal() {
    let doc = resolved(
        "Parameters:\n  Version: {Type: String, Default: 7.0}\nResources:\n  R:\n    Type: AWS::X::Y\n    Properties:\n      V: !Ref Version\n",
    );
    assert_eq!(property(&doc, "R", "V"), "7.0");
}
