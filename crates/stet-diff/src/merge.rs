//! Joining the changes of several documents. A Terraform module folder is a document of its
//! own and also part of every document that calls it; the same change to the same resource
//! block is reported once, under the shortest address (the module's own), while a change
//! that only a caller's inputs make stays under the caller's address.

use crate::change::Change;
use std::collections::HashSet;

/// The changes of all documents, each distinct change of a resource block once, sorted by
/// file, line and address.
pub fn merge_changes(documents: Vec<Vec<Change>>) -> Vec<Change> {
    let mut all: Vec<Change> = documents.into_iter().flatten().collect();
    all.sort_by(|a, b| {
        (address_depth(&a.address), &a.address, &a.document).cmp(&(
            address_depth(&b.address),
            &b.address,
            &b.document,
        ))
    });
    let mut seen = HashSet::new();
    all.retain(|c| seen.insert(signature(c)));
    all.sort_by(|a, b| {
        (&a.span.file, a.span.start.line, &a.address, &a.document).cmp(&(
            &b.span.file,
            b.span.start.line,
            &b.address,
            &b.document,
        ))
    });
    all
}

fn address_depth(address: &str) -> usize {
    address.matches("module.").count()
}

/// What makes two changes the same: the resource block's place, the instance key, the
/// action and every attribute change.
fn signature(c: &Change) -> String {
    let key = c
        .address
        .rfind('[')
        .filter(|_| c.address.ends_with(']'))
        .and_then(|i| c.address.get(i..))
        .unwrap_or_default();
    let mut s = format!(
        "{}:{}:{}:{}:{}:{}",
        c.span.file,
        c.span.start.offset,
        key,
        c.action.as_str(),
        c.resource_type,
        c.previous_address.is_some()
    );
    for a in &c.attributes {
        let json = |v: &Option<stet_graph::Value>| {
            v.as_ref()
                .map(|v| v.to_json().to_string())
                .unwrap_or_default()
        };
        s.push_str(&format!(
            "|{}={}>{}",
            a.path,
            json(&a.before),
            json(&a.after)
        ));
    }
    s
}
