//! The plan and change-set readers on real-shaped JSON (`fixtures/plans/`,
//! `fixtures/changesets/`), written from the documented formats.

use std::path::Path;
use stet_diff::{
    read_change_set, read_plan, Action, Change, Replacement, KNOWN_AFTER_APPLY, SENSITIVE,
};

fn fixture(path: &str) -> (std::sync::Arc<str>, String) {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path);
    (path.into(), std::fs::read_to_string(full).unwrap())
}

fn plan() -> Vec<Change> {
    let (name, text) = fixture("plans/plan.json");
    read_plan(name, &text, &Default::default()).unwrap()
}

fn find<'a>(changes: &'a [Change], address: &str) -> &'a Change {
    changes
        .iter()
        .find(|c| c.address == address)
        .unwrap_or_else(|| panic!("no change for {address}"))
}

#[test]
fn plan_actions_map_to_the_vocabulary() {
    let changes = plan();
    let actions: Vec<(&str, Action)> = changes
        .iter()
        .map(|c| (c.address.as_str(), c.action))
        .collect();
    assert_eq!(
        actions,
        [
            ("aws_instance.web", Action::Replace),
            ("aws_launch_template.web", Action::Replace),
            ("aws_db_instance.main", Action::Update),
            ("aws_sqs_queue.jobs[2]", Action::Create),
            ("aws_sqs_queue.old", Action::Delete),
            ("aws_iam_role.app", Action::Move),
            ("aws_instance.tainted", Action::Replace),
            ("aws_ebs_volume.data", Action::Replace),
            ("aws_vpc.imported", Action::Import),
            ("aws_instance.cluster[0]", Action::Update),
            ("module.app.aws_lambda_function.api", Action::Forget),
        ],
        "no-op (aws_s3_bucket.logs) and read (data.aws_ami.ubuntu) are left out"
    );
}

#[test]
fn replacements_carry_their_order_and_forcing_paths() {
    let changes = plan();
    let web = find(&changes, "aws_instance.web");
    assert_eq!(web.replacement, Replacement::Always);
    assert_eq!(web.create_before_destroy, Some(false), "delete then create");
    assert_eq!(
        web.reason.as_deref(),
        Some("the provider cannot update it in place")
    );
    let ami = web.attributes.iter().find(|a| a.path == "ami").unwrap();
    assert!(ami.forces_replacement());
    assert_eq!(ami.reason, "listed in `replace_paths` of the plan");
    assert_eq!(
        ami.span.start.line, 16,
        "the attribute's line in the plan file"
    );
    let id = web.attributes.iter().find(|a| a.path == "id").unwrap();
    assert_eq!(id.after.as_ref().unwrap().to_json(), KNOWN_AFTER_APPLY);
    assert!(!id.forces_replacement());

    let lt = find(&changes, "aws_launch_template.web");
    assert_eq!(lt.create_before_destroy, Some(true), "create then delete");

    let tainted = find(&changes, "aws_instance.tainted");
    assert!(tainted.reason.as_deref().unwrap().contains("tainted"));
    assert!(tainted.attributes.iter().all(|a| !a.forces_replacement()));

    // A forcing path whose new value is unknown is still reported.
    let volume = find(&changes, "aws_ebs_volume.data");
    let snapshot = volume
        .attributes
        .iter()
        .find(|a| a.path == "snapshot_id")
        .unwrap();
    assert!(snapshot.forces_replacement());
    assert_eq!(
        snapshot.after.as_ref().unwrap().to_json(),
        KNOWN_AFTER_APPLY
    );
}

#[test]
fn sensitive_values_are_never_shown() {
    let changes = plan();
    let db = find(&changes, "aws_db_instance.main");
    let password = db.attributes.iter().find(|a| a.path == "password").unwrap();
    assert_eq!(password.before.as_ref().unwrap().to_json(), SENSITIVE);
    assert_eq!(password.after.as_ref().unwrap().to_json(), SENSITIVE);
    let json = serde_json::to_string(&db.to_json()).unwrap();
    assert!(!json.contains("secret"), "{json}");
    let version = db
        .attributes
        .iter()
        .find(|a| a.path == "engine_version")
        .unwrap();
    assert_eq!(version.replacement, Replacement::Never);
}

#[test]
fn moves_and_nested_paths() {
    let changes = plan();
    assert_eq!(
        find(&changes, "aws_iam_role.app")
            .previous_address
            .as_deref(),
        Some("aws_iam_role.service")
    );
    let cluster = find(&changes, "aws_instance.cluster[0]");
    let paths: Vec<&str> = cluster.attributes.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["user_data"]);
    assert_eq!(
        find(&changes, "aws_sqs_queue.old").reason.as_deref(),
        Some("its configuration was removed")
    );
}

#[test]
fn what_is_not_a_plan_is_a_located_error() {
    let (name, text) = fixture("plans/not-a-plan.json");
    let e = read_plan(name, &text, &Default::default()).unwrap_err();
    assert!(e.message().contains("not a Terraform plan"), "{e}");
    let (name, text) = fixture("plans/broken.json");
    let e = read_plan(name, &text, &Default::default()).unwrap_err();
    assert_eq!(&*e.span().file, "plans/broken.json");
    assert!(e.span().start.line >= 2, "{e}");
}

#[test]
fn change_set_pages_join_into_one_list() {
    let pages = [
        fixture("changesets/page-1.json"),
        fixture("changesets/page-2.json"),
    ];
    let changes = read_change_set(&pages, &Default::default()).unwrap();
    let actions: Vec<(&str, Action, Replacement)> = changes
        .iter()
        .map(|c| (c.address.as_str(), c.action, c.replacement))
        .collect();
    assert_eq!(
        actions,
        [
            ("Bucket", Action::Replace, Replacement::Always),
            ("Web", Action::Update, Replacement::Conditional),
            ("Queue", Action::Update, Replacement::Never),
            ("Topic", Action::Create, Replacement::Never),
            ("OldTopic", Action::Delete, Replacement::Never),
            ("Nested", Action::Update, Replacement::Unknown),
            ("Imported", Action::Import, Replacement::Never),
            ("Policy", Action::Update, Replacement::Never),
        ]
    );
    assert!(changes.iter().all(|c| c.document == "release-42"));
}

#[test]
fn change_set_details_roll_up_as_cloudformation_does() {
    let pages = [fixture("changesets/page-1.json")];
    let changes = read_change_set(&pages, &Default::default()).unwrap();
    let bucket = find(&changes, "Bucket");
    assert_eq!(
        bucket.reason.as_deref(),
        Some("PolicyAction ReplaceAndRetain")
    );
    let name = &bucket.attributes[0];
    assert_eq!(
        (name.path.as_str(), name.forces_replacement()),
        ("BucketName", true)
    );
    assert_eq!(name.after.as_ref().unwrap().to_json(), "acme-logs-2");
    // Always + Dynamic evaluation is conditional; Conditionally is conditional.
    let web = find(&changes, "Web");
    assert!(web
        .attributes
        .iter()
        .all(|a| a.replacement == Replacement::Conditional));
    assert!(
        web.attributes[0].reason.contains("LatestAmi"),
        "{}",
        web.attributes[0].reason
    );
    let queue = find(&changes, "Queue");
    assert_eq!(queue.attributes[1].path, "Tags[0].Value");
    assert_eq!(queue.span.start.line, 53, "the entry's line in the page");
}

#[test]
fn what_is_not_a_change_set_is_a_located_error() {
    let pages = [fixture("plans/plan.json")];
    let e = read_change_set(&pages, &Default::default()).unwrap_err();
    assert!(e.message().contains("not a change set"), "{e}");
}
