//! Hash and crypto functions that are deterministic (`md5`, `sha1`, `sha256`, `sha512`,
//! `base64sha256`, `base64sha512`, `uuidv5`, `rsadecrypt`), and those that are not
//! (`uuid`, `bcrypt`), whose results stay unknown.

use super::Function;

pub(super) static FUNCTIONS: &[Function] = &[];
