//! SAM as CloudFormation deploys it: each `AWS::Serverless::*` resource replaced by the
//! resources the `AWS::Serverless-2016-10-31` transform makes of it (a function's Lambda
//! function, role, version and alias, permissions and event sources; a simple table's DynamoDB
//! table; …), read from `replacement/sam.json`, so that a change to a SAM property is
//! classified as a change to the generated property it passes into. The mapping is data with
//! its provenance; `aws-sam-translator` is its oracle (`fixtures/sam/`).

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use stet_graph::{Expr, Map, Resource, ResourceKind, Span, Value, ValueKind};

const SAM: &str = include_str!("../../replacement/sam.json");

/// The mapping of SAM resource types to the resources the transform makes.
#[derive(Debug, Deserialize)]
pub(crate) struct Transform {
    types: BTreeMap<String, SamType>,
}

#[derive(Debug, Deserialize)]
struct SamType {
    docs: String,
    #[serde(default)]
    globals: Option<String>,
    resources: Vec<Generated>,
    #[serde(default)]
    events: BTreeMap<String, Vec<Generated>>,
}

/// One resource the transform makes.
#[derive(Debug, Deserialize)]
struct Generated {
    /// Its logical ID: `{Id}` the SAM resource's, `{Event}` the event's, `{Name}` a SAM
    /// property's value, `#` a hash of the `hash` properties; `@Prop` the resource the SAM
    /// property `Prop` refers to (the transform adds to it).
    id: String,
    #[serde(rename = "type")]
    resource_type: String,
    #[serde(default)]
    primary: bool,
    #[serde(default)]
    when: Option<When>,
    #[serde(default)]
    shared: bool,
    #[serde(default)]
    hash: Vec<String>,
    /// SAM property (dotted path) → generated property or properties (dotted paths).
    properties: BTreeMap<String, Targets>,
    /// The generated property that also names what is invoked (`{Target}`): an implicit
    /// API's body holds each integration's function or alias.
    #[serde(default)]
    target: Option<String>,
    /// Generated properties the transform sets itself: a string, or `{"Ref": id}` /
    /// `{"GetAtt": "id.Attribute"}`.
    #[serde(default)]
    defaults: BTreeMap<String, serde_json::Value>,
    /// Resource attributes the transform sets (`DeletionPolicy: Retain` on versions).
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Targets {
    One(String),
    Many(Vec<String>),
}

impl Targets {
    fn all(&self) -> Vec<&str> {
        match self {
            Targets::One(t) => vec![t.as_str()],
            Targets::Many(t) => t.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum When {
    Present(String),
    Absent(String),
    Equals(Vec<String>),
}

/// The resource attributes a SAM resource passes to its primary generated resource.
const PASSED_ATTRIBUTES: &[&str] = &[
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
    "DependsOn",
];

impl Transform {
    /// The embedded mapping (`None` if it does not parse: a build defect a test catches).
    pub(crate) fn embedded() -> Option<&'static Transform> {
        static DATA: OnceLock<Option<Transform>> = OnceLock::new();
        DATA.get_or_init(|| serde_json::from_str(SAM).ok()).as_ref()
    }

    /// Whether the transform knows this SAM type.
    pub(crate) fn knows(&self, resource_type: &str) -> bool {
        self.types.contains_key(resource_type)
    }

    /// `resources` with every SAM resource the mapping knows replaced by what the transform
    /// makes of it. `globals` is the template's `Globals` section.
    pub(crate) fn expand(
        &self,
        resources: Vec<Resource>,
        globals: Option<&Value>,
        written: &HashMap<String, Value>,
    ) -> (Vec<Resource>, HashMap<String, Origin>) {
        let mut out: Vec<Resource> = Vec::new();
        let mut additions: Vec<(String, Resource)> = Vec::new();
        let mut made_from: HashMap<String, Origin> = HashMap::new();
        for resource in resources {
            let Some(sam) = self.types.get(&resource.resource_type) else {
                out.push(resource);
                continue;
            };
            let properties = with_globals(&resource.attributes, sam, globals);
            let mut made = Made {
                written: written.get(&resource.address).cloned(),
                ..Made::default()
            };
            let target = self.target_of(sam, &resource, &properties);
            for generated in &sam.resources {
                made.build(
                    generated,
                    &resource,
                    &properties,
                    &properties,
                    None,
                    &target,
                );
            }
            if let Some(events) = properties.get("Events").and_then(Value::as_map) {
                for event in events.iter() {
                    let kind = event
                        .value
                        .get("Type")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let empty = Value::empty_map(event.value.span.clone());
                    let event_properties = event.value.get("Properties").unwrap_or(&empty);
                    for generated in sam.events.get(kind).into_iter().flatten() {
                        made.build(
                            generated,
                            &resource,
                            &properties,
                            event_properties,
                            Some(&event.key),
                            &target,
                        );
                    }
                }
            }
            for (address, hashed) in &made.origins {
                made_from.insert(
                    address.clone(),
                    Origin {
                        sam_address: resource.address.clone(),
                        sam_type: resource.resource_type.clone(),
                        hashed: *hashed,
                    },
                );
            }
            out.extend(made.resources);
            additions.extend(made.additions);
        }
        // Shared resources (an implicit API) that several functions contribute to: one each.
        let mut merged: Vec<Resource> = Vec::new();
        for r in out {
            match merged.iter_mut().find(|m| m.address == r.address) {
                Some(existing) => merge_into(&mut existing.attributes, &r.attributes),
                None => merged.push(r),
            }
        }
        settle_shared_hashes(&mut merged);
        // What the transform adds to resources written in the template (an S3 bucket's
        // notifications).
        for (address, addition) in additions {
            if let Some(existing) = merged.iter_mut().find(|m| m.address == address) {
                merge_into(&mut existing.attributes, &addition.attributes);
            }
        }
        (merged, made_from)
    }

    /// The logical ID event sources invoke: the alias when `AutoPublishAlias` is set.
    fn target_of(&self, sam: &SamType, resource: &Resource, properties: &Value) -> String {
        let alias = properties
            .get("AutoPublishAlias")
            .and_then(Value::to_display_string);
        match alias {
            Some(alias)
                if sam
                    .resources
                    .iter()
                    .any(|g| g.id.contains("{AutoPublishAlias}")) =>
            {
                format!("{}Alias{alias}", resource.address)
            }
            _ => resource.address.clone(),
        }
    }

    /// The documentation of a SAM type.
    pub(crate) fn docs(&self, resource_type: &str) -> Option<&str> {
        self.types.get(resource_type).map(|t| t.docs.as_str())
    }
}

/// Where a generated resource comes from.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// The SAM resource's logical ID.
    pub sam_address: String,
    /// Its SAM type.
    pub sam_type: String,
    /// Whether the generated logical ID holds a hash of the resource's content.
    pub hashed: bool,
}

/// The resources made of one SAM resource so far.
#[derive(Default)]
struct Made {
    resources: Vec<Resource>,
    additions: Vec<(String, Resource)>,
    ids: HashMap<String, String>,
    /// Each made logical ID, and whether it holds a hash of the resource's content.
    origins: HashMap<String, bool>,
    /// The SAM resource's properties as written (unresolved), for names the transform takes
    /// from them without resolving them.
    written: Option<Value>,
}

impl Made {
    #[allow(clippy::too_many_arguments)]
    fn build(
        &mut self,
        generated: &Generated,
        sam_resource: &Resource,
        properties: &Value,
        source: &Value,
        event: Option<&str>,
        target: &str,
    ) {
        if let Some(when) = &generated.when {
            let holds = match when {
                When::Present(p) => at(source, p).is_some(),
                When::Absent(p) => at(source, p).is_none(),
                When::Equals(pair) => match (pair.first(), pair.get(1)) {
                    (Some(p), Some(v)) => {
                        at(source, p).and_then(Value::to_display_string).as_deref() == Some(v)
                    }
                    _ => false,
                },
            };
            if !holds {
                return;
            }
        }
        let span = &sam_resource.span;
        let hash = (!generated.hash.is_empty()).then(|| hash_of(source, &generated.hash, target));
        // A resource several events share gets its hash once all have added to it.
        let own_hash = hash.as_deref().filter(|_| !generated.shared);
        let id = self.id(&generated.id, sam_resource, properties, event, own_hash);
        self.ids.insert(generated.id.clone(), id.clone());
        let mut attributes = Map::new();
        // SAM properties that pass into the same generated property are kept side by side.
        let mut targets: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (from, to) in &generated.properties {
            for to in to.all() {
                targets.entry(to).or_default().push(from.as_str());
            }
        }
        for (to, froms) in &targets {
            let values: Vec<(&str, &Value)> = froms
                .iter()
                .filter_map(|f| at(source, f).map(|v| (*f, v)))
                .collect();
            let value = match values.as_slice() {
                [] => continue,
                [(_, v)] if froms.len() == 1 => (*v).clone(),
                many => {
                    let mut map = Map::new();
                    for (from, v) in many {
                        map.insert(*from, v.span.clone(), (*v).clone());
                    }
                    Value::new(ValueKind::Map(map), span.clone())
                }
            };
            let value = match &generated.target {
                Some(t) if t == to => with_target(value, target, span),
                _ => value,
            };
            put(&mut attributes, to, value, span);
        }
        if let (Some(hash), true) = (&hash, generated.shared) {
            // Kept aside until the shared resource is complete (see `Transform::expand`).
            let mut part = Map::new();
            part.insert(
                format!("{}{}", sam_resource.address, event.unwrap_or_default()),
                span.clone(),
                Value::string(hash.clone(), span.clone()),
            );
            attributes.insert(
                HASH_PARTS,
                span.clone(),
                Value::new(ValueKind::Map(part), span.clone()),
            );
        }
        for (to, default) in &generated.defaults {
            if attributes.contains_key(to) {
                continue;
            }
            let mut value =
                self.default_value(default, sam_resource, properties, event, target, span);
            if let (Some(hash), ValueKind::String(text)) = (own_hash, &mut value.kind) {
                *text = text.replace('#', hash);
            }
            attributes.insert(to.clone(), span.clone(), value);
        }
        let attributes = match (generated.shared, event) {
            // A resource several events share holds each event's part under its name.
            (true, Some(event)) => {
                let mut map = Map::new();
                let mut own = Map::new();
                for entry in attributes.iter() {
                    if generated.defaults.contains_key(&entry.key) || entry.key == HASH_PARTS {
                        map.insert(
                            entry.key.clone(),
                            entry.key_span.clone(),
                            entry.value.clone(),
                        );
                    } else {
                        own.insert(
                            entry.key.clone(),
                            entry.key_span.clone(),
                            entry.value.clone(),
                        );
                    }
                }
                for entry in own.iter() {
                    let mut part = Map::new();
                    part.insert(
                        format!("{}{event}", sam_resource.address),
                        span.clone(),
                        entry.value.clone(),
                    );
                    map.insert(
                        entry.key.clone(),
                        entry.key_span.clone(),
                        Value::new(ValueKind::Map(part), span.clone()),
                    );
                }
                map
            }
            _ => attributes,
        };
        let mut meta = Map::new();
        if generated.primary {
            for name in PASSED_ATTRIBUTES {
                if let Some(v) = sam_resource.meta.get(name) {
                    meta.insert(*name, v.span.clone(), v.clone());
                }
            }
        }
        for (name, value) in &generated.attributes {
            if !meta.contains_key(name) {
                meta.insert(
                    name.clone(),
                    span.clone(),
                    Value::string(value, span.clone()),
                );
            }
        }
        let resource = Resource {
            address: id.clone(),
            base_address: id.clone(),
            kind: ResourceKind::Managed,
            resource_type: generated.resource_type.clone(),
            name: id,
            module: String::new(),
            attributes: Value::new(
                ValueKind::Map(attributes),
                sam_resource.attributes.span.clone(),
            ),
            meta,
            span: span.clone(),
        };
        self.origins
            .insert(resource.address.clone(), generated.id.contains('#'));
        match generated.id.strip_prefix('@') {
            Some(property) => {
                let referred = at(source, property).and_then(|v| match &v.kind {
                    ValueKind::Expr(e) => e.references.first().cloned(),
                    _ => None,
                });
                if let Some(address) = referred {
                    self.additions.push((address, resource));
                }
            }
            None => self.resources.push(resource),
        }
    }

    /// A generated logical ID: `{Id}`, `{Event}`, `{Property}` (a SAM property's value)
    /// and `#` (the hash) filled in.
    fn id(
        &self,
        pattern: &str,
        sam_resource: &Resource,
        properties: &Value,
        event: Option<&str>,
        hash: Option<&str>,
    ) -> String {
        let mut id = String::new();
        let mut rest = pattern.strip_prefix('@').unwrap_or(pattern);
        while let Some(start) = rest.find('{') {
            id.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else {
                rest = after;
                break;
            };
            let name = &after[..end];
            match name {
                "Id" => id.push_str(&sam_resource.address),
                "Event" => id.push_str(event.unwrap_or_default()),
                // A stage named by the transform from `StageName` as written: the name when it
                // is alphanumeric, else a hash of it, and nothing for an intrinsic function
                // (aws-sam-translator's api_generator does not resolve it).
                _ if name.starts_with("stage:") => {
                    let property = name.trim_start_matches("stage:");
                    let written = self.written.as_ref().and_then(|w| w.get(property));
                    match written.and_then(Value::as_str) {
                        Some(s)
                            if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()) =>
                        {
                            id.push_str(s);
                            id.push_str("Stage");
                        }
                        Some(s) => {
                            id.push_str("Stage");
                            id.push_str(&fnv(s));
                        }
                        None => id.push_str("Stage"),
                    }
                }
                _ => id.push_str(
                    &properties
                        .get(name)
                        .and_then(Value::to_display_string)
                        .unwrap_or_default(),
                ),
            }
            rest = &after[end + 1..];
        }
        id.push_str(rest);
        match hash {
            Some(hash) => id.replace('#', hash),
            None => id,
        }
    }

    /// A property the transform sets itself.
    fn default_value(
        &self,
        default: &serde_json::Value,
        sam_resource: &Resource,
        properties: &Value,
        event: Option<&str>,
        target: &str,
        span: &Span,
    ) -> Value {
        let resolve = |text: &str| {
            let text = text.replace("{Target}", target);
            let text = match text.find("{Version}") {
                Some(_) => {
                    let version = self
                        .ids
                        .iter()
                        .find(|(k, _)| k.contains("Version#"))
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default();
                    text.replace("{Version}", &version)
                }
                None => text,
            };
            // A reference to a hashed sibling (`{Id}Deployment#`) names it as generated.
            match self.ids.get(&text) {
                Some(id) => id.clone(),
                None => self.id(&text, sam_resource, properties, event, None),
            }
        };
        let placeholder = |name: String| {
            Value::new(
                ValueKind::Expr(Box::new(Expr {
                    source: serde_json::Value::String(format!("${{{name}}}")).to_string(),
                    text: format!("${{{name}}}"),
                    references: vec![name],
                    fallback: None,
                })),
                span.clone(),
            )
        };
        match default {
            serde_json::Value::Object(map) => {
                if let Some(target) = map.get("Ref").and_then(serde_json::Value::as_str) {
                    return placeholder(resolve(target));
                }
                if let Some(target) = map.get("GetAtt").and_then(serde_json::Value::as_str) {
                    let (resource, attribute) = target.split_once('.').unwrap_or((target, "Arn"));
                    return placeholder(format!("{}.{attribute}", resolve(resource)));
                }
                Value::empty_map(span.clone())
            }
            serde_json::Value::String(s) => Value::string(s.clone(), span.clone()),
            serde_json::Value::Bool(b) => Value::new(ValueKind::Bool(*b), span.clone()),
            other => Value::string(other.to_string(), span.clone()),
        }
    }
}

/// The hidden attribute where a shared resource keeps each contributor's hash.
const HASH_PARTS: &str = "\u{0}hash";

/// `value` (the SAM values passing into one generated property) with the invoked target.
fn with_target(value: Value, target: &str, span: &Span) -> Value {
    let reference = Value::new(
        ValueKind::Expr(Box::new(Expr {
            source: serde_json::Value::String(format!("${{{target}.Arn}}")).to_string(),
            text: format!("${{{target}.Arn}}"),
            references: vec![format!("{target}.Arn")],
            fallback: None,
        })),
        span.clone(),
    );
    let mut map = match value.kind {
        ValueKind::Map(map) => map,
        _ => {
            let mut map = Map::new();
            map.insert("Value", value.span.clone(), value);
            map
        }
    };
    map.insert("Target", span.clone(), reference);
    Value::new(ValueKind::Map(map), span.clone())
}

/// Names the shared resources whose ID waits for a hash (`ServerlessRestApiDeployment#`)
/// after the hash of all their contributors, everywhere they are named.
fn settle_shared_hashes(resources: &mut [Resource]) {
    let mut renames: Vec<(String, String)> = Vec::new();
    for resource in resources.iter_mut() {
        let Some(parts) = resource
            .attributes
            .as_map_mut()
            .and_then(|m| m.remove(HASH_PARTS))
        else {
            continue;
        };
        let hash = fnv(&canonical(&parts));
        let new = resource.address.replace('#', &hash);
        replace_in_strings(&mut resource.attributes, '#', &hash);
        renames.push((resource.address.clone(), new.clone()));
        resource.address = new.clone();
        resource.base_address = new.clone();
        resource.name = new;
    }
    for (old, new) in &renames {
        for resource in resources.iter_mut() {
            rename_references(&mut resource.attributes, old, new);
        }
    }
}

fn replace_in_strings(value: &mut Value, from: char, to: &str) {
    match &mut value.kind {
        ValueKind::String(s) => *s = s.replace(from, to),
        ValueKind::List(items) => items
            .iter_mut()
            .for_each(|i| replace_in_strings(i, from, to)),
        ValueKind::Map(map) => map
            .iter_mut()
            .for_each(|e| replace_in_strings(e.value, from, to)),
        _ => {}
    }
}

fn rename_references(value: &mut Value, old: &str, new: &str) {
    match &mut value.kind {
        ValueKind::Expr(e) => {
            e.text = e.text.replace(old, new);
            e.source = e.source.replace(old, new);
            for r in &mut e.references {
                *r = r.replace(old, new);
            }
        }
        ValueKind::List(items) => items
            .iter_mut()
            .for_each(|i| rename_references(i, old, new)),
        ValueKind::Map(map) => map
            .iter_mut()
            .for_each(|e| rename_references(e.value, old, new)),
        _ => {}
    }
}

/// The SAM resource's properties with the template's `Globals` for its type under them:
/// the resource's own values win, maps merge, lists add up (as the SAM specification says).
/// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>
fn with_globals(properties: &Value, sam: &SamType, globals: Option<&Value>) -> Value {
    let Some(defaults) = sam
        .globals
        .as_deref()
        .and_then(|name| globals.and_then(|g| g.get(name)))
    else {
        return properties.clone();
    };
    let mut merged = defaults.clone();
    merge_into(&mut merged, properties);
    merged
}

/// Merges `other` into `value`: maps key by key, lists appended, anything else replaced.
fn merge_into(value: &mut Value, other: &Value) {
    match (&mut value.kind, &other.kind) {
        (ValueKind::Map(mine), ValueKind::Map(theirs)) => {
            for entry in theirs.iter() {
                match mine.get_mut(&entry.key) {
                    Some(existing) => merge_into(existing, &entry.value),
                    None => mine.insert(
                        entry.key.clone(),
                        entry.key_span.clone(),
                        entry.value.clone(),
                    ),
                }
            }
        }
        (ValueKind::List(mine), ValueKind::List(theirs)) => {
            mine.extend(theirs.iter().cloned());
        }
        _ => *value = other.clone(),
    }
}

/// The value at a dotted path.
fn at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(value, |v, key| v.get(key))
        .filter(|v| !matches!(v.kind, ValueKind::Null))
}

/// Puts `value` at a dotted path of `map`, making the maps on the way.
fn put(map: &mut Map, path: &str, value: Value, span: &Span) {
    match path.split_once('.') {
        None => map.insert(path, value.span.clone(), value),
        Some((head, rest)) => {
            if map.get(head).is_none_or(|v| v.as_map().is_none()) {
                map.insert(head, span.clone(), Value::empty_map(span.clone()));
            }
            if let Some(inner) = map.get_mut(head).and_then(Value::as_map_mut) {
                put(inner, rest, value, span);
            }
        }
    }
}

/// Ten hexadecimal digits standing for the values at `paths` (the transform names versions
/// and deployments after a hash of what they hold, so a change makes a new one).
fn hash_of(source: &Value, paths: &[String], target: &str) -> String {
    let mut text = String::new();
    for path in paths {
        text.push_str(path);
        text.push('=');
        if path == "{Target}" {
            text.push_str(target);
        } else if let Some(v) = at(source, path) {
            text.push_str(&canonical(v));
        }
        text.push(';');
    }
    fnv(&text)
}

/// Ten hexadecimal digits of the FNV-1a hash of `text`.
fn fnv(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:010x}", hash & 0xff_ffff_ffff)
}

fn canonical(value: &Value) -> String {
    match &value.kind {
        ValueKind::Expr(e) => e.source.clone(),
        ValueKind::List(items) => {
            let parts: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", parts.join(","))
        }
        ValueKind::Map(map) => {
            let mut parts: Vec<String> = map
                .iter()
                .map(|e| format!("{}:{}", e.key, canonical(&e.value)))
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(","))
        }
        _ => value.to_json().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_mapping_parses() {
        let t = Transform::embedded().expect("replacement/sam.json parses");
        assert!(t.knows("AWS::Serverless::Function"));
        assert!(t.knows("AWS::Serverless::SimpleTable"));
        assert!(t.docs("AWS::Serverless::Api").is_some());
    }

    #[test]
    fn hashes_change_with_their_inputs_only() {
        let span = Span::file_start("t".into());
        let mut a = Map::new();
        a.insert(
            "CodeUri",
            span.clone(),
            Value::string("s3://b/k1.zip", span.clone()),
        );
        a.insert(
            "MemorySize",
            span.clone(),
            Value::new(ValueKind::Int(128), span.clone()),
        );
        let mut b = a.clone();
        b.insert(
            "MemorySize",
            span.clone(),
            Value::new(ValueKind::Int(256), span.clone()),
        );
        let mut c = a.clone();
        c.insert(
            "CodeUri",
            span.clone(),
            Value::string("s3://b/k2.zip", span.clone()),
        );
        let paths = vec!["CodeUri".to_string()];
        let h = |m: &Map| {
            hash_of(
                &Value::new(ValueKind::Map(m.clone()), span.clone()),
                &paths,
                "Fn",
            )
        };
        assert_eq!(h(&a), h(&b));
        assert_ne!(h(&a), h(&c));
        assert_eq!(h(&a).len(), 10);
    }
}
