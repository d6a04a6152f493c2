//! Date and time functions: `formatdate`, `timeadd`, `timecmp`; `timestamp` and
//! `plantimestamp` depend on the moment and stay unknown.

use super::Function;

pub(super) static FUNCTIONS: &[Function] = &[];
