//! The collection functions: `count`.

use super::{make, Call, Function};
use crate::eval::R;
use crate::literal::LitKind;
use crate::value::Node;

/// The collection functions.
pub(super) const FUNCTIONS: &[Function] = &[Function {
    name: "count",
    arity: 1,
    body: count,
}];

/// `count(query)`: how many values the query resolved, at its first value.
fn count<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let n = c.nodes().count();
    Ok(vec![make(
        LitKind::Int(i64::try_from(n).unwrap_or(i64::MAX)),
        &c.first_place(),
    )])
}
