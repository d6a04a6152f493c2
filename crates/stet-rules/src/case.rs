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
    |key| cached(1, key, class_case),
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

/// `cruet::case::to_class_case`: Pascal case with the last word made singular. cruet makes it
/// singular with 27 regexes, whose compilation was most of a small run's time; for an ASCII
/// word the same rules are applied here by hand (the tests hold them to cruet's).
fn class_case(key: &str) -> String {
    let plural = cruet::case::to_pascal_case(key);
    let (head, tail) = plural.split_at(plural.rfind(char::is_uppercase).unwrap_or(0));
    let singular = singular_ascii(tail).unwrap_or_else(|| cruet::string::to_singular(tail));
    format!("{head}{singular}")
}

/// `cruet::string::to_singular` for an ASCII word (`None` for any other, and for the one case
/// where cruet's result depends on `$` in the word).
fn singular_ascii(word: &str) -> Option<String> {
    if !word.is_ascii() {
        return None;
    }
    if UNCOUNTABLE.contains(&word) {
        return Some(word.to_owned());
    }
    let special = match word {
        "oxen" => "ox",
        "boxes" => "box",
        "men" => "man",
        "women" => "woman",
        "dice" => "die",
        "yeses" => "yes",
        "feet" => "foot",
        "eaves" => "eave",
        "geese" => "goose",
        "teeth" => "tooth",
        "quizzes" => "quiz",
        _ => "",
    };
    if !special.is_empty() {
        return Some(special.to_owned());
    }
    let bytes = word.as_bytes();
    let len = bytes.len();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    // `(\w*(X))SUFFIX$` matches where the word ends with X and SUFFIX; its first group runs
    // from the start of the run of word characters before X (the leftmost match) to the end
    // of X, and the result is that group followed by the replacement.
    let ends = |s: &str| word.ends_with(s);
    let before = |x: &str, suffix: &str| ends(&format!("{x}{suffix}"));
    let group = |x_start: usize, suffix_len: usize| -> Option<String> {
        let mut start = x_start;
        while start > 0 && is_word(bytes[start - 1]) {
            start -= 1;
        }
        let group = &word[start..len - suffix_len];
        // cruet expands the group as a replacement template, where `$` means a capture.
        (!group.contains('$')).then(|| group.to_owned())
    };
    // An X of letters only: the group starts where the final run of word characters does.
    let letters = |x: &str, suffix_len: usize, replace: &str| -> Option<Option<String>> {
        Some(group(len - suffix_len - x.len(), suffix_len).map(|g| g + replace))
    };
    let last = |n: usize| -> Option<u8> { len.checked_sub(n).map(|i| bytes[i]) };
    let vowel = |b: u8| b"aeiouy".contains(&b);
    // The rules, in the order cruet tries them (the last of its list first).
    let result: Option<Option<String>> = if ends("databases") {
        letters("database", 1, "")
    } else if before("quiz", "zes") {
        letters("quiz", 3, "")
    } else if before("matr", "ices") {
        letters("matr", 4, "ix")
    } else if before("vert", "ices") {
        letters("vert", 4, "ex")
    } else if before("ind", "ices") {
        letters("ind", 4, "ex")
    } else if word.starts_with("oxen") {
        Some(Some("ox".to_owned()))
    } else if ends("aliases") || ends("statuses") {
        letters("", 2, "")
    } else if ends("alias") || ends("status") {
        letters("", 0, "")
    } else if before("octop", "us") || before("vir", "us") {
        letters("", 2, "us")
    } else if before("octop", "i") || before("vir", "i") {
        letters("", 1, "us")
    } else if word == "axis" || word == "axes" {
        Some(Some("axis".to_owned()))
    } else if ["crisis", "crises", "testis", "testes"]
        .iter()
        .any(|s| ends(s))
    {
        letters("", 2, "is")
    } else if ends("shoes") {
        letters("", 1, "")
    } else if ends("buses") {
        letters("", 2, "")
    } else if ends("bus") {
        letters("", 0, "")
    } else if ends("mice") || ends("lice") {
        letters("", 3, "ouse")
    } else if ["xes", "ches", "sses", "shes"].iter().any(|s| ends(s)) {
        letters("", 2, "")
    } else if ends("movies") {
        letters("", 5, "ovie")
    } else if ends("series") {
        letters("", 5, "eries")
    } else if ends("ies") && last(4).is_some_and(|b| !vowel(b)) {
        Some(group(len - 4, 3).map(|g| g + "y"))
    } else if ends("quies") {
        letters("", 3, "y")
    } else if ends("lves") || ends("rves") {
        letters("", 3, "f")
    } else if ends("tives") || ends("hives") {
        letters("", 1, "")
    } else if ends("ves") && last(4).is_some_and(|b| b != b'f') {
        Some(group(len - 4, 3).map(|g| g + "fe"))
    } else if word == "analysis" || word == "analyses" {
        Some(Some("analysis".to_owned()))
    } else if [
        "analy", "ba", "diagno", "parenthe", "progno", "synop", "the",
    ]
    .iter()
    .any(|x| before(x, "sis") || before(x, "ses"))
    {
        letters("", 3, "sis")
    } else if before("t", "a") || before("i", "a") {
        letters("", 1, "um")
    } else if before("o", "es") {
        letters("", 2, "")
    } else if before("n", "ews") {
        letters("", 3, "ews")
    } else if ends("ss") {
        letters("", 0, "")
    } else if ends("s") {
        Some(group(len - 1, 1))
    } else {
        Some(Some(word.to_owned()))
    };
    result.flatten()
}

/// cruet's words that have no plural.
const UNCOUNTABLE: &[&str] = &[
    "accommodation",
    "adulthood",
    "advertising",
    "advice",
    "aggression",
    "aid",
    "air",
    "aircraft",
    "alcohol",
    "anger",
    "applause",
    "arithmetic",
    "assistance",
    "athletics",
    "bacon",
    "baggage",
    "beef",
    "biology",
    "blood",
    "botany",
    "bread",
    "butter",
    "carbon",
    "cardboard",
    "cash",
    "chalk",
    "chaos",
    "chess",
    "crossroads",
    "countryside",
    "dancing",
    "deer",
    "dignity",
    "dirt",
    "dust",
    "economics",
    "education",
    "electricity",
    "engineering",
    "enjoyment",
    "envy",
    "equipment",
    "ethics",
    "evidence",
    "evolution",
    "fame",
    "fiction",
    "flour",
    "flu",
    "food",
    "fuel",
    "fun",
    "furniture",
    "gallows",
    "garbage",
    "garlic",
    "genetics",
    "gold",
    "golf",
    "gossip",
    "grammar",
    "gratitude",
    "grief",
    "guilt",
    "gymnastics",
    "happiness",
    "hardware",
    "harm",
    "hate",
    "hatred",
    "health",
    "heat",
    "help",
    "homework",
    "honesty",
    "honey",
    "hospitality",
    "housework",
    "humour",
    "hunger",
    "hydrogen",
    "ice",
    "importance",
    "inflation",
    "information",
    "innocence",
    "iron",
    "irony",
    "jam",
    "jewelry",
    "judo",
    "karate",
    "knowledge",
    "lack",
    "laughter",
    "lava",
    "leather",
    "leisure",
    "lightning",
    "linguine",
    "linguini",
    "linguistics",
    "literature",
    "litter",
    "livestock",
    "logic",
    "loneliness",
    "luck",
    "luggage",
    "macaroni",
    "machinery",
    "magic",
    "management",
    "mankind",
    "marble",
    "mathematics",
    "mayonnaise",
    "measles",
    "methane",
    "milk",
    "money",
    "mud",
    "music",
    "mumps",
    "nature",
    "news",
    "nitrogen",
    "nonsense",
    "nurture",
    "nutrition",
    "obedience",
    "obesity",
    "oxygen",
    "pasta",
    "patience",
    "physics",
    "poetry",
    "pollution",
    "poverty",
    "pride",
    "psychology",
    "publicity",
    "punctuation",
    "quartz",
    "racism",
    "relaxation",
    "reliability",
    "research",
    "respect",
    "revenge",
    "rice",
    "rubbish",
    "rum",
    "safety",
    "scenery",
    "seafood",
    "seaside",
    "series",
    "shame",
    "sheep",
    "shopping",
    "sleep",
    "smoke",
    "smoking",
    "snow",
    "soap",
    "software",
    "soil",
    "spaghetti",
    "species",
    "steam",
    "stuff",
    "stupidity",
    "sunshine",
    "symmetry",
    "tennis",
    "thirst",
    "thunder",
    "timber",
    "traffic",
    "transportation",
    "trust",
    "underwear",
    "unemployment",
    "unity",
    "validity",
    "veal",
    "vegetation",
    "vegetarianism",
    "vengeance",
    "violence",
    "vitality",
    "warmth",
    "wealth",
    "weather",
    "welfare",
    "wheat",
    "wildlife",
    "wisdom",
    "yoga",
    "zinc",
    "zoology",
];

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

    /// Words built to reach every rule of cruet's singular forms, and random ones.
    fn words() -> Vec<String> {
        let mut words: Vec<String> = super::UNCOUNTABLE.iter().map(|w| w.to_string()).collect();
        let suffixes = [
            "databases",
            "quizzes",
            "matrices",
            "vertices",
            "indices",
            "oxen",
            "oxenfree",
            "aliases",
            "alias",
            "statuses",
            "status",
            "octopus",
            "octopi",
            "virus",
            "viri",
            "axis",
            "axes",
            "crisis",
            "crises",
            "testis",
            "testes",
            "shoes",
            "buses",
            "bus",
            "mice",
            "lice",
            "boxes",
            "witches",
            "glasses",
            "dishes",
            "movies",
            "series",
            "replies",
            "soliloquies",
            "-ies",
            "$ies",
            "aies",
            "Xies",
            "ies",
            "halves",
            "wolves",
            "knives",
            "fves",
            "-ves",
            "$ves",
            "tives",
            "hives",
            "analysis",
            "analyses",
            "theses",
            "parentheses",
            "bases",
            "diagnoses",
            "data",
            "criteria",
            "potatoes",
            "goodnews",
            "news",
            "glass",
            "s",
            "ss",
            "Properties",
            "Statuses",
            "Tags",
            "Ref",
            "",
            "men",
            "women",
            "feet",
            "teeth",
            "geese",
            "dice",
            "eaves",
            "yeses",
        ];
        let prefixes = [
            "", "a", "X", "-", "a-b", "_", "$", "q", "Foo", "f", "9", "my ", "é",
        ];
        for p in prefixes {
            for s in suffixes {
                words.push(format!("{p}{s}"));
            }
        }
        let alphabet: Vec<char> = "aeiouyfsxchlrtmnqvzbdpAEX-_$ 9.".chars().collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 11) as usize;
            let mut word = String::new();
            let mut x = state;
            for _ in 0..len {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                word.push(alphabet[(x >> 33) as usize % alphabet.len()]);
            }
            words.push(word);
        }
        words
    }

    #[test]
    fn singular_forms_are_cruets() {
        for word in words() {
            if let Some(singular) = super::singular_ascii(&word) {
                assert_eq!(singular, cruet::string::to_singular(&word), "{word:?}");
            }
        }
    }

    #[test]
    fn class_case_is_cruets() {
        for word in words() {
            assert_eq!(
                super::class_case(&word),
                cruet::case::to_class_case(&word),
                "{word:?}"
            );
        }
    }
}
