//! The file functions read the repository as Terraform reads its working directory, and
//! leave unknown what the source cannot tell.

use serde_json::json;
use stet_terraform::{load_module, Error, LoadOptions, MemoryFiles, Module};

fn load(main: &str, extra: &[(&str, &[u8])]) -> Module {
    let mut memory = MemoryFiles::default();
    memory.insert("repo/m/main.tf", main.as_bytes().to_vec());
    for (name, bytes) in extra {
        memory.insert(format!("repo/m/{name}"), bytes.to_vec());
    }
    let options = LoadOptions {
        confine: Some("repo".into()),
        ..LoadOptions::default()
    };
    load_module(&memory, "repo/m".as_ref(), &options)
}

fn attr(module: &Module, name: &str) -> serde_json::Value {
    module
        .graph
        .resource("t.r")
        .and_then(|r| r.attributes.get(name))
        .map(|v| v.to_json())
        .unwrap_or(serde_json::Value::Null)
}

#[test]
fn files_are_read_hashed_and_listed() {
    let m = load(
        "resource \"t\" \"r\" {\n  text = file(\"data/a.txt\")\n  b64 = filebase64(\"data/bin\")\n  md5 = filemd5(\"data/a.txt\")\n  set = fileset(\"data\", \"*.txt\")\n  yes = fileexists(\"data/a.txt\")\n  no = fileexists(\"data/none.txt\")\n}\n",
        &[
            ("data/a.txt", b"hello\n"),
            ("data/b.txt", b""),
            ("data/bin", &[0xff, 0x00]),
        ],
    );
    assert_eq!(attr(&m, "text"), json!("hello\n"));
    assert_eq!(attr(&m, "b64"), json!("/wA="));
    assert_eq!(attr(&m, "md5"), json!("b1946ac92492d2347c6235b4d2611184"));
    assert_eq!(attr(&m, "set"), json!(["a.txt", "b.txt"]));
    assert_eq!(attr(&m, "yes"), json!(true));
    assert_eq!(attr(&m, "no"), json!(false));
    assert!(m.errors.is_empty(), "{:?}", m.errors);
}

#[test]
fn unknown_and_missing_paths_stay_unknown() {
    let m = load(
        "variable \"path\" {\n  type = string\n}\nresource \"t\" \"r\" {\n  from_var = file(var.path)\n  missing = file(\"build/lambda.zip\")\n  hash = filebase64sha256(\"build/lambda.zip\")\n  recursive = fileset(\".\", \"**/*.txt\")\n}\n",
        &[],
    );
    assert_eq!(attr(&m, "from_var"), json!("${file(var.path)}"));
    assert_eq!(attr(&m, "missing"), json!("${file(\"build/lambda.zip\")}"));
    assert_eq!(
        attr(&m, "hash"),
        json!("${filebase64sha256(\"build/lambda.zip\")}")
    );
    assert_eq!(
        attr(&m, "recursive"),
        json!("${fileset(\".\", \"**/*.txt\")}")
    );
    assert!(m.errors.is_empty(), "{:?}", m.errors);
}

#[test]
fn a_folder_or_bad_text_is_an_error_at_the_call() {
    let m = load(
        "resource \"t\" \"r\" {\n  dir = file(\"data\")\n  bin = file(\"data/bin\")\n}\n",
        &[("data/bin", &[0xff, 0xfe])],
    );
    let messages: Vec<String> = m
        .errors
        .iter()
        .filter(|e| matches!(e, Error::Eval { .. }))
        .map(|e| e.to_string())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("main.tf:2:9") && messages[0].contains("is a directory"));
    assert!(messages[1].contains("main.tf:3:9") && messages[1].contains("not valid UTF-8"));
}
