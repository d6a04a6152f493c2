//! What a diff reports: one [`Change`] per resource that is created, deleted, updated,
//! replaced or moved, with the [`AttributeChange`]s that make it and why each one does or
//! does not force a replacement.

use serde_json::{json, Value as Json};
use stet_graph::{Span, Value};

/// What happens to a resource. Written as JSON and the rule document write it (`create`,
/// `delete`, `update`, `replace`, `move`, `import`, `forget`).
///
/// ```
/// use stet_diff::Action;
/// let action: Action = "replace".parse().unwrap();
/// assert_eq!(action, Action::Replace);
/// assert_eq!(action.to_string(), "replace");
/// assert!("rebuild".parse::<Action>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// A new resource.
    Create,
    /// A resource that goes away.
    Delete,
    /// A resource changed in place (perhaps: see [`Replacement`]).
    Update,
    /// A resource destroyed and created anew.
    Replace,
    /// A resource that only changed its address (a Terraform `moved` block).
    Move,
    /// A resource brought under management without change (plans and change sets only).
    Import,
    /// A resource dropped from state without being destroyed (Terraform plans only).
    Forget,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 7] = [
        Action::Create,
        Action::Delete,
        Action::Update,
        Action::Replace,
        Action::Move,
        Action::Import,
        Action::Forget,
    ];

    /// The name in JSON output and in the rule document: `create`, `delete`, `update`,
    /// `replace`, `move`, `import`, `forget`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Delete => "delete",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Move => "move",
            Action::Import => "import",
            Action::Forget => "forget",
        }
    }

    /// The symbol of the text report: `+`, `-`, `~`, `-/+` (`+/-` when the new one is
    /// created first), `→`, `<=`, `.`.
    pub fn symbol(self, create_before_destroy: bool) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Delete => "-",
            Action::Update => "~",
            Action::Replace if create_before_destroy => "+/-",
            Action::Replace => "-/+",
            Action::Move => "→",
            Action::Import => "<=",
            Action::Forget => ".",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for Action {
    type Err = ParseActionError;

    fn from_str(name: &str) -> Result<Action, ParseActionError> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == name)
            .ok_or_else(|| ParseActionError(name.to_string()))
    }
}

/// An action name that is not one of [`Action`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action `{0}` (known: create, delete, update, replace, move, import, forget)")]
pub struct ParseActionError(pub String);

/// Whether a change replaces the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Replacement {
    /// Known not to replace.
    Never,
    /// Not known: the type or attribute is missing from the knowledge base.
    Unknown,
    /// Replaces or not depending on values the source does not show.
    Conditional,
    /// Always replaces.
    Always,
}

impl Replacement {
    /// The name in JSON output: `never`, `unknown`, `conditional`, `always`.
    pub fn as_str(self) -> &'static str {
        match self {
            Replacement::Never => "never",
            Replacement::Unknown => "unknown",
            Replacement::Conditional => "conditional",
            Replacement::Always => "always",
        }
    }

    /// Reads a name written by [`Replacement::as_str`].
    pub fn parse(name: &str) -> Option<Replacement> {
        match name {
            "never" => Some(Replacement::Never),
            "unknown" => Some(Replacement::Unknown),
            "conditional" => Some(Replacement::Conditional),
            "always" => Some(Replacement::Always),
            _ => None,
        }
    }
}

/// Whether a changed attribute is configuration of the remote object or a setting of the
/// tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// A Terraform argument or nested block, a CloudFormation property.
    Argument,
    /// A Terraform meta-argument (`lifecycle`, `depends_on`, `provider`, …) or a
    /// CloudFormation resource attribute (`Type`, `DependsOn`, `Metadata`, `DeletionPolicy`, …).
    Meta,
}

impl Scope {
    /// `argument` or `meta`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Argument => "argument",
            Scope::Meta => "meta",
        }
    }
}

/// One changed attribute of a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeChange {
    /// The path: `ami`, `ebs_block_device[0].volume_size`, `ContainerDefinitions[1].Image`,
    /// `lifecycle.create_before_destroy`, `DependsOn`.
    pub path: String,
    /// Argument or meta.
    pub scope: Scope,
    /// The value before; `None` when the attribute was added.
    pub before: Option<Value>,
    /// The value after; `None` when the attribute was removed.
    pub after: Option<Value>,
    /// Whether this change replaces the resource.
    pub replacement: Replacement,
    /// Where the fact comes from: "ForceNew on `ami` in aws_instance (Terraform AWS provider
    /// 5.46)", "createOnlyProperties of AWS::S3::Bucket (…)".
    pub reason: String,
    /// A documentation link for the fact, when there is one (overlay entries).
    pub docs: Option<String>,
    /// Where the changed value is written (after, else before).
    pub span: Span,
    /// For a knock-on change: the address of the resource whose replacement changes this
    /// value (its `Ref`/`Fn::GetAtt` or attribute reference becomes a new, unknown value),
    /// as `terraform plan` and CloudFormation propagate it. `None` for a direct edit.
    pub caused_by: Option<String>,
}

impl AttributeChange {
    /// Whether this attribute always forces a replacement.
    pub fn forces_replacement(&self) -> bool {
        self.replacement == Replacement::Always
    }

    /// `add`, `remove` or `modify`.
    pub fn kind(&self) -> &'static str {
        match (&self.before, &self.after) {
            (None, _) => "add",
            (_, None) => "remove",
            _ => "modify",
        }
    }
}

/// The fixed physical name a resource sets, and whether the change alters it.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomName {
    /// The argument or property (`BucketName`, `name`).
    pub property: String,
    /// Its value after the change.
    pub value: Value,
    /// Whether the change alters it.
    pub changed: bool,
}

/// What happens to one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The address after the change (before, for a deletion).
    pub address: String,
    /// The address before, when it moved.
    pub previous_address: Option<String>,
    /// The resource type (`aws_instance`, `AWS::EC2::Instance`, `module` for a module call).
    pub resource_type: String,
    /// The document it belongs to (a template, a Terraform module folder, a plan or change
    /// set file).
    pub document: String,
    /// What happens.
    pub action: Action,
    /// Whether it is replaced.
    pub replacement: Replacement,
    /// Why, when the reason is the resource's rather than one attribute's (a type with no
    /// update function, a plan's `action_reason`).
    pub reason: Option<String>,
    /// For Terraform resources that exist on both sides: whether `lifecycle {
    /// create_before_destroy = true }` is set (after the change).
    pub create_before_destroy: Option<bool>,
    /// The fixed physical name the resource sets, for resources on both sides.
    pub custom_name: Option<CustomName>,
    /// What keeps the data if the resource goes: `DeletionPolicy`, `UpdateReplacePolicy`
    /// (CloudFormation) and `prevent_destroy` (Terraform), as set after the change.
    pub protection: Vec<(String, Value)>,
    /// Where the resource is written (after, else before).
    pub span: Span,
    /// The changed attributes.
    pub attributes: Vec<AttributeChange>,
}

impl Change {
    /// The change as the JSON object of `changes[]` in stet's JSON output.
    ///
    /// ```
    /// use stet_diff::{Action, Change, Replacement};
    /// use stet_graph::Span;
    /// let change = Change {
    ///     address: "aws_s3_bucket.logs".into(),
    ///     previous_address: None,
    ///     resource_type: "aws_s3_bucket".into(),
    ///     document: "infra".into(),
    ///     action: Action::Create,
    ///     replacement: Replacement::Never,
    ///     reason: None,
    ///     create_before_destroy: None,
    ///     custom_name: None,
    ///     protection: Vec::new(),
    ///     span: Span::file_start("infra/main.tf".into()),
    ///     attributes: Vec::new(),
    /// };
    /// assert_eq!(change.to_json()["action"], "create");
    /// assert_eq!(change.to_json()["line"], 1);
    /// ```
    pub fn to_json(&self) -> Json {
        let mut out = serde_json::Map::new();
        out.insert("address".into(), json!(self.address));
        if let Some(previous) = &self.previous_address {
            out.insert("previous_address".into(), json!(previous));
        }
        out.insert("type".into(), json!(self.resource_type));
        out.insert("action".into(), json!(self.action.as_str()));
        out.insert("replacement".into(), json!(self.replacement.as_str()));
        if let Some(reason) = &self.reason {
            out.insert("reason".into(), json!(reason));
        }
        if let Some(cbd) = self.create_before_destroy {
            out.insert("create_before_destroy".into(), json!(cbd));
        }
        if let Some(name) = &self.custom_name {
            out.insert(
                "custom_name".into(),
                json!({"property": name.property, "value": name.value.to_json(), "changed": name.changed}),
            );
        }
        if !self.protection.is_empty() {
            let map: serde_json::Map<String, Json> = self
                .protection
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect();
            out.insert("protection".into(), Json::Object(map));
        }
        out.insert("document".into(), json!(self.document));
        out.insert("file".into(), json!(&*self.span.file));
        out.insert("line".into(), json!(self.span.start.line));
        out.insert("column".into(), json!(self.span.start.column));
        out.insert("end_line".into(), json!(self.span.end.line));
        out.insert("end_column".into(), json!(self.span.end.column));
        let attributes: Vec<Json> = self
            .attributes
            .iter()
            .map(|a| attribute_json(a, &self.span.file))
            .collect();
        out.insert("attributes".into(), Json::Array(attributes));
        Json::Object(out)
    }
}

/// One attribute's JSON; its `file` is written when the value is written in another file than
/// the resource (a module input, written in the caller).
fn attribute_json(a: &AttributeChange, resource_file: &str) -> Json {
    let mut out = serde_json::Map::new();
    out.insert("path".into(), json!(a.path));
    out.insert("scope".into(), json!(a.scope.as_str()));
    out.insert("change".into(), json!(a.kind()));
    out.insert(
        "before".into(),
        a.before.as_ref().map_or(Json::Null, Value::to_json),
    );
    out.insert(
        "after".into(),
        a.after.as_ref().map_or(Json::Null, Value::to_json),
    );
    out.insert("forces_replacement".into(), json!(a.forces_replacement()));
    out.insert("replacement".into(), json!(a.replacement.as_str()));
    out.insert("reason".into(), json!(a.reason));
    if let Some(docs) = &a.docs {
        out.insert("docs".into(), json!(docs));
    }
    if let Some(cause) = &a.caused_by {
        out.insert("caused_by".into(), json!(cause));
    }
    if &*a.span.file != resource_file && !a.span.file.is_empty() {
        out.insert("file".into(), json!(&*a.span.file));
    }
    out.insert("line".into(), json!(a.span.start.line));
    out.insert("column".into(), json!(a.span.start.column));
    Json::Object(out)
}

/// Counts of changes by action, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Creations.
    pub create: usize,
    /// Deletions.
    pub delete: usize,
    /// Updates in place.
    pub update: usize,
    /// Replacements.
    pub replace: usize,
    /// Moves.
    pub moved: usize,
    /// Imports and forgets.
    pub other: usize,
}

impl Tally {
    /// Counts `changes` by action.
    pub fn of(changes: &[Change]) -> Tally {
        let mut t = Tally::default();
        for c in changes {
            match c.action {
                Action::Create => t.create += 1,
                Action::Delete => t.delete += 1,
                Action::Update => t.update += 1,
                Action::Replace => t.replace += 1,
                Action::Move => t.moved += 1,
                Action::Import | Action::Forget => t.other += 1,
            }
        }
        t
    }
}
