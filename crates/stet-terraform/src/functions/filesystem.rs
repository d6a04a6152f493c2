//! File functions, confined to the repository: `file`, `fileexists`, `fileset`,
//! `filebase64`, the file hash functions, `templatefile`, `basename`, `dirname`; `abspath`
//! and `pathexpand` depend on the machine and stay unknown.

use super::Function;

pub(super) static FUNCTIONS: &[Function] = &[];
