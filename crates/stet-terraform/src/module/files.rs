//! Which files of a module folder Terraform reads, and the root module's variable
//! definitions files: `terraform.tfvars` and `*.auto.tfvars` applied in Terraform's order,
//! other `.tfvars` files parsed (so their errors are reported) but not applied. Parsing the
//! configuration files and merging override files is `defs`'.

use super::{Loader, NoNames};
use crate::eval::Scope;
use std::path::Path;

/// Whether a file name is Terraform configuration (`.tf`, `.tf.json`).
pub fn is_config_file(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Whether a file name is a variable definitions file (`.tfvars`, `.tfvars.json`).
pub fn is_vars_file(name: &str) -> bool {
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

/// Whether Terraform loads this variables file automatically (`terraform.tfvars`,
/// `terraform.tfvars.json`, `*.auto.tfvars`, `*.auto.tfvars.json`).
fn is_auto_vars_file(name: &str) -> bool {
    name == "terraform.tfvars"
        || name == "terraform.tfvars.json"
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

impl<'w, 'a> Loader<'w, 'a> {
    /// Reads the root module's automatically loaded `.tfvars` files into the world. Other
    /// `.tfvars` files are parsed (so their errors are reported) but not applied: Terraform
    /// reads them only when named with `-var-file`.
    pub(super) fn tfvars(&mut self, dir: &Path) {
        let Ok(names) = self.world.ctx.files.list_files(dir) else {
            return;
        };
        let mut auto = Vec::new();
        for path in names {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !is_vars_file(&name) {
                continue;
            }
            let Some(file) = self.world.read(&path) else {
                continue;
            };
            if is_auto_vars_file(&name) {
                auto.push((name, file));
            }
        }
        // terraform.tfvars first, then *.auto.tfvars in lexical order; later files win.
        auto.sort_by_key(|(name, _)| (!name.starts_with("terraform.tfvars"), name.clone()));
        let names = NoNames;
        let scope = Scope::new(self.world.ctx, &names);
        for (_, file) in &auto {
            for attr in file.body().attributes(&[]) {
                let value = scope.eval_val(attr.expr);
                self.world
                    .tfvars
                    .borrow_mut()
                    .insert(attr.name.to_string(), value);
            }
        }
    }
}
