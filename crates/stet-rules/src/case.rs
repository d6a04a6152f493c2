//! Key spellings cfn-guard falls back to when a key is missing: the key rewritten in camel,
//! class, kebab, Pascal, snake, title and train case, tried in that order, with the `cruet`
//! crate cfn-guard 3.2.1 itself uses (so the spellings are the same, class case's singular
//! included). Once a spelling matched, the rest of the query uses only it. This is how
//! registry rules written against `'!Ref'`, `value` or `key` find `Ref`, `Value` and `Key`.

use crate::fxhash::FastMap;
use std::cell::RefCell;
use std::rc::Rc;

/// A key rewritten in one spelling.
pub(crate) type Converter = fn(&str) -> Rc<str>;

/// The spellings, in the order cfn-guard tries them.
pub(crate) const CONVERTERS: &[Converter] = &[
    |key| cached(0, key, cruet::case::to_camel_case),
    |key| cached(1, key, cruet::case::to_class_case),
    |key| cached(2, key, cruet::case::to_kebab_case),
    |key| cached(3, key, cruet::case::to_pascal_case),
    |key| cached(4, key, cruet::case::to_snake_case),
    |key| cached(5, key, cruet::case::to_title_case),
    |key| cached(6, key, cruet::case::to_train_case),
];

/// Most spellings kept per converter and thread; the keys come from rule text, so this is
/// reached only by rules with thousands of distinct keys (the cache then starts over).
const MAX_CACHED: usize = 4096;

thread_local! {
    /// `cruet`'s conversions run regexes (singular forms, word boundaries) and a key missing
    /// from a map tries all seven for every value queried: each key's spellings are kept.
    static SPELLINGS: RefCell<[FastMap<Box<str>, Rc<str>>; 7]> = RefCell::new(Default::default());
}

fn cached(which: usize, key: &str, convert: fn(&str) -> String) -> Rc<str> {
    SPELLINGS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let map = &mut cache[which];
        if let Some(spelling) = map.get(key) {
            return spelling.clone();
        }
        if map.len() >= MAX_CACHED {
            map.clear();
        }
        let spelling: Rc<str> = convert(key).into();
        map.insert(key.into(), spelling.clone());
        spelling
    })
}

#[cfg(test)]
mod tests {
    use super::CONVERTERS;

    #[test]
    fn spellings_for_registry_keys() {
        let all = |key: &str| {
            CONVERTERS
                .iter()
                .map(|c| c(key).to_string())
                .collect::<Vec<_>>()
        };
        assert!(all("!Ref").contains(&"Ref".to_string()));
        assert_eq!(all("value")[1], "Value");
        assert_eq!(all("myKey")[4], "my_key");
        assert_eq!(all("Statuses")[1], "Statuse");
    }
}
