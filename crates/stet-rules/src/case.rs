//! Key spellings cfn-guard falls back to when a key is missing: the key rewritten in camel,
//! class, kebab, Pascal, snake, title and train case, tried in that order, with the `cruet`
//! crate cfn-guard 3.2.1 itself uses (so the spellings are the same, class case's singular
//! included). Once a spelling matched, the rest of the query uses only it. This is how
//! registry rules written against `'!Ref'`, `value` or `key` find `Ref`, `Value` and `Key`.

/// A key rewritten in one spelling.
pub(crate) type Converter = fn(&str) -> String;

/// The spellings, in the order cfn-guard tries them.
pub(crate) const CONVERTERS: &[Converter] = &[
    cruet::case::to_camel_case,
    cruet::case::to_class_case,
    cruet::case::to_kebab_case,
    cruet::case::to_pascal_case,
    cruet::case::to_snake_case,
    cruet::case::to_title_case,
    cruet::case::to_train_case,
];

#[cfg(test)]
mod tests {
    use super::CONVERTERS;

    #[test]
    fn spellings_for_registry_keys() {
        let all = |key: &str| CONVERTERS.iter().map(|c| c(key)).collect::<Vec<_>>();
        assert!(all("!Ref").contains(&"Ref".to_string()));
        assert_eq!(all("value")[1], "Value");
        assert_eq!(all("myKey")[4], "my_key");
        assert_eq!(all("Statuses")[1], "Statuse");
    }
}
