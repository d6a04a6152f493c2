//! Key spellings cfn-guard falls back to when a key is missing: the key rewritten in camel,
//! class, kebab, Pascal, snake, title and train case, tried in that order. This is how
//! registry rules written against `'!Ref'`, `value` or `key` find `Ref`, `Value` and `Key`.

/// The key's alternative spellings, in the order they are tried.
pub(crate) fn alternatives(key: &str) -> Vec<String> {
    let words = words(key);
    if words.is_empty() {
        return Vec::new();
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let capital: Vec<String> = lower.iter().map(|w| capitalize(w)).collect();
    let camel =
        lower.first().cloned().unwrap_or_default() + &capital.get(1..).unwrap_or(&[]).concat();
    let mut class_words = capital.clone();
    if let Some(last) = class_words.last_mut() {
        *last = singular(last);
    }
    vec![
        camel,
        class_words.concat(),
        lower.join("-"),
        capital.concat(),
        lower.join("_"),
        capital.join(" "),
        capital.join("-"),
    ]
}

/// Splits at non-alphanumeric characters and at lower-to-upper case changes.
fn words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// A rough singular, as the class-case conversion cfn-guard uses makes one.
fn singular(word: &str) -> String {
    if word.eq_ignore_ascii_case("data") {
        return format!("{}um", word.get(..word.len() - 1).unwrap_or(word));
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if word.ends_with("ss") {
        return word.to_string();
    }
    word.strip_suffix('s')
        .map_or_else(|| word.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_for_registry_keys() {
        assert!(alternatives("!Ref").contains(&"Ref".to_string()));
        assert_eq!(alternatives("value")[1], "Value");
        assert_eq!(alternatives("myKey")[4], "my_key");
        assert_eq!(alternatives("Statuses")[1], "Statuse");
    }
}
