//! Encoding functions: base64 (`base64encode`, `base64decode`, `textencodebase64`,
//! `textdecodebase64`, `base64gzip`), `urlencode`, `csvdecode`, `yamlencode`, `yamldecode`.

use super::Function;

pub(super) static FUNCTIONS: &[Function] = &[];
