//! IP network functions: `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`.

use super::Function;

pub(super) static FUNCTIONS: &[Function] = &[];
