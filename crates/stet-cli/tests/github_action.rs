//! The GitHub Action (`action.yml`, `scripts/github_action.py`), run here as the runner runs
//! its steps: on scratch repositories, with the `GITHUB_*` variables and the event payloads
//! (`fixtures/action/`) of pull-request and push runs, the inputs as `INPUT_*` variables, and
//! a small local stand-in for GitHub's REST API that records the comment requests. The
//! pull request of issue #19: a database's `engine` changed and a registry module added
//! without a version, in a `working-directory:` below the repository root. Needs python3
//! (the runners' and this machine's); skipped with a message without it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

fn root() -> PathBuf {
    std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")).unwrap()
}

fn python() -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: python3 is not installed");
    }
    ok
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

const BASE: &str = r#"terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

resource "aws_db_instance" "orders" {
  identifier_prefix = "orders-"
  engine            = "mysql"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
}
"#;

/// A scratch repository: `main` with `infra/main.tf`, and the pull request's branch
/// `feature` checked out. Returns its folder, the base commit and the head commit.
fn repository(name: &str) -> (PathBuf, String, String) {
    let dir = std::env::temp_dir().join(format!("stet-action-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.email", "t@example.com"]);
    git(&dir, &["config", "user.name", "t"]);
    std::fs::write(dir.join("infra/main.tf"), BASE).unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    let base = git(&dir, &["rev-parse", "HEAD"]);
    git(&dir, &["checkout", "-q", "-b", "feature"]);
    let head_text = BASE.replace("\"mysql\"", "\"postgres\"")
        + "\nmodule \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n";
    std::fs::write(dir.join("infra/main.tf"), head_text).unwrap();
    git(
        &dir,
        &[
            "commit",
            "-q",
            "-am",
            "Move the orders database to PostgreSQL",
        ],
    );
    let head = git(&dir, &["rev-parse", "HEAD"]);
    (dir, base, head)
}

/// A request the stand-in API received: method, path, body.
type Request = (String, String, String);

/// A stand-in for GitHub's REST API on a local port: answers `GET …/comments` with
/// `comments`, `POST` with 201 and `PATCH` with 200, and records every request.
struct Api {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Api {
    fn start(comments: &'static str) -> Api {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or_default().to_string();
                let path = parts.next().unwrap_or_default().to_string();
                let mut length = 0;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let (status, reply) = match method.as_str() {
                    "GET" if path.ends_with("&page=1") => ("200 OK", comments),
                    "GET" => ("200 OK", "[]"),
                    "POST" => ("201 Created", "{\"id\": 8}"),
                    _ => ("200 OK", "{\"id\": 7}"),
                };
                seen.lock().unwrap().push((
                    method,
                    path,
                    String::from_utf8_lossy(&body).into_owned(),
                ));
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        Api { url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// What one step run left: status, standard output (annotations), the job summary and the
/// step outputs.
struct Run {
    code: Option<i32>,
    stdout: String,
    summary: String,
    outputs: String,
    temp: PathBuf,
}

impl Run {
    fn output(&self, name: &str) -> Option<&str> {
        self.outputs
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
    }
}

/// Runs the action's `run` step in `repo` for `event` (a payload of `fixtures/action/`, its
/// placeholders filled) with `inputs`.
fn run_step(
    repo: &Path,
    event: &str,
    payload: &str,
    shas: &[(&str, &str)],
    inputs: &[(&str, &str)],
    api: &Api,
) -> Run {
    let temp = repo.with_extension("runner");
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).unwrap();
    let mut text = std::fs::read_to_string(root().join("fixtures/action").join(payload)).unwrap();
    for (placeholder, sha) in shas {
        text = text.replace(placeholder, sha);
    }
    let event_path = temp.join("event.json");
    std::fs::write(&event_path, text).unwrap();
    // A stet that logs each run, so the test can count them.
    let log = temp.join("stet-runs.log");
    std::fs::create_dir_all(temp.join("bin")).unwrap();
    let wrapper = temp.join("bin/stet");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            env!("CARGO_BIN_EXE_stet")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut command = Command::new("python3");
    command
        .arg(root().join("scripts/github_action.py"))
        .arg("run")
        .current_dir(repo)
        .env("GITHUB_ACTIONS", "true")
        .env("CI", "true")
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_EVENT_PATH", &event_path)
        .env("GITHUB_WORKSPACE", repo)
        .env("GITHUB_REPOSITORY", "acme/infra")
        .env("GITHUB_API_URL", &api.url)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_TOKEN", "ghs_test")
        .env("GITHUB_STEP_SUMMARY", temp.join("summary.md"))
        .env("GITHUB_OUTPUT", temp.join("output.txt"))
        .env("GITHUB_ACTION_PATH", root())
        .env("RUNNER_TEMP", &temp)
        .env("STET_BINARY", &wrapper)
        .env_remove("NO_COLOR");
    if event == "pull_request" {
        command
            .env("GITHUB_BASE_REF", "main")
            .env("GITHUB_HEAD_REF", "feature")
            .env("GITHUB_REF", "refs/pull/42/merge");
    } else {
        command.env("GITHUB_REF", "refs/heads/main");
    }
    for (name, value) in inputs {
        command.env(
            format!("INPUT_{}", name.to_uppercase().replace('-', "_")),
            value,
        );
    }
    let output = command.output().unwrap();
    let runs = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        runs.lines().count() <= 1,
        "stet runs once per step, whatever the formats: {runs}"
    );
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
        summary: std::fs::read_to_string(temp.join("summary.md")).unwrap_or_default(),
        outputs: std::fs::read_to_string(temp.join("output.txt")).unwrap_or_default(),
        temp,
    }
}

#[test]
fn a_pull_request_gets_annotations_a_summary_sarif_and_one_sticky_comment() {
    if !python() {
        return;
    }
    let (repo, base, head) = repository("pr");
    let api = Api::start("[{\"id\": 5, \"body\": \"an unrelated comment\"}]");
    let shas = [
        ("__BASE_SHA__", base.as_str()),
        ("__HEAD_SHA__", head.as_str()),
    ];
    let run = run_step(
        &repo,
        "pull_request",
        "pull_request.json",
        &shas,
        &[("working-directory", "infra")],
        &api,
    );
    assert_eq!(
        run.code,
        Some(1),
        "findings at or above low: {}",
        run.stdout
    );
    // Annotations name the file from the repository root although stet ran in infra/.
    assert!(
        run.stdout.contains("::error file=infra/main.tf,line=13,col=23,endLine=13,endColumn=33,title=CHG002 (high)::aws_db_instance.orders: holds data and is replaced"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("%0Aengine: \"mysql\" → \"postgres\" forces the replacement%0AFix: "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("::error file=infra/main.tf,line=18"),
        "PIN003: {}",
        run.stdout
    );
    // The job summary: the verdict, the replacement first, the forcing attribute with old →
    // new values, and a fix line for each finding.
    assert!(
        run.summary
            .starts_with("## ❌ stet: 3 findings (2 high, 1 medium), 1 resource replaced"),
        "{}",
        run.summary
    );
    let replaced = run
        .summary
        .find("### Resources that will be replaced")
        .unwrap();
    let high = run.summary.find("### High").unwrap();
    assert!(replaced < high, "{}", run.summary);
    assert!(run.summary.contains("| 🔁 | `aws_db_instance.orders` `aws_db_instance` | `engine: \"mysql\" → \"postgres\"` | `infra/main.tf:11` |"), "{}", run.summary);
    assert_eq!(
        run.summary.matches("  - **Fix:** ").count(),
        3,
        "{}",
        run.summary
    );
    assert!(
        !run.summary.contains("UpdateReplacePolicy"),
        "Terraform words for Terraform: {}",
        run.summary
    );
    // SARIF for upload-sarif, with repository-relative locations.
    let sarif_path = run.output("sarif").expect("sarif output");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sarif_path).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/main.tf"
    ));
    assert_eq!(run.output("findings"), Some("3"));
    assert_eq!(run.output("exit-code"), Some("1"));
    assert_eq!(run.output("fork"), Some("false"));
    // No sticky comment yet: one is added, with the marker that finds it next time.
    let requests = api.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(methods, ["GET", "GET", "POST"], "{requests:?}");
    assert_eq!(requests[2].1, "/repos/acme/infra/issues/42/comments");
    let body: serde_json::Value = serde_json::from_str(&requests[2].2).unwrap();
    assert!(body["body"]
        .as_str()
        .unwrap()
        .starts_with("<!-- stet-action -->\n## ❌ stet"));
    let _ = std::fs::remove_dir_all(&run.temp);

    // The next push to the pull request updates that comment instead of adding one.
    let api = Api::start("[{\"id\": 7, \"body\": \"<!-- stet-action -->\\n## ❌ stet: old\"}]");
    let run = run_step(
        &repo,
        "pull_request",
        "pull_request.json",
        &shas,
        &[("working-directory", "infra"), ("fail-on", "never")],
        &api,
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.summary.starts_with("## ⚠️ stet: 3 findings"),
        "the verdict follows fail-on: {}",
        run.summary
    );
    let requests = api.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(methods, ["GET", "PATCH"], "{requests:?}");
    assert_eq!(requests[1].1, "/repos/acme/infra/issues/comments/7");
    let _ = std::fs::remove_dir_all(&run.temp);

    // Without markdown among the formats there is nothing to comment with: a notice says so.
    let api = Api::start("[]");
    let run = run_step(
        &repo,
        "pull_request",
        "pull_request.json",
        &shas,
        &[
            ("working-directory", "infra"),
            ("formats", "sarif,github"),
            ("fail-on", "never"),
        ],
        &api,
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "::notice title=stet::no pull-request comment: input `formats` has no `markdown`"
        ),
        "{}",
        run.stdout
    );
    assert!(api.requests().is_empty(), "{:?}", api.requests());
    let _ = std::fs::remove_dir_all(&run.temp);
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn a_push_to_the_default_branch_is_a_full_scan() {
    if !python() {
        return;
    }
    let (repo, base, head) = repository("push");
    git(&repo, &["checkout", "-q", "main"]);
    git(&repo, &["merge", "-q", "--ff-only", "feature"]);
    let api = Api::start("[]");
    let run = run_step(
        &repo,
        "push",
        "push.json",
        &[
            ("__BEFORE_SHA__", base.as_str()),
            ("__HEAD_SHA__", head.as_str()),
        ],
        &[("formats", "sarif,json,junit")],
        &api,
    );
    // Every finding of the default branch (code scanning tracks them there), no change rules.
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.contains("full scan"), "{}", run.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.output("json").unwrap()).unwrap())
            .unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"PIN003"), "{rules:?}");
    assert!(!rules.iter().any(|r| r.starts_with("CHG")), "{rules:?}");
    assert_eq!(json["summary"]["files"], 1, "one file, counted once");
    assert!(run.output("junit").is_some_and(|p| Path::new(p).is_file()));
    assert!(run.output("markdown").is_none());
    assert!(run.summary.is_empty(), "no markdown asked for");
    assert!(
        !run.stdout.contains("::error file="),
        "text, not annotations: {}",
        run.stdout
    );
    assert!(api.requests().is_empty(), "no comment on a push");
    let _ = std::fs::remove_dir_all(&run.temp);

    // The `base` input compares a push with a revision of its choosing (here the push's
    // `before`): pull-request mode, change rules included.
    let run = run_step(
        &repo,
        "push",
        "push.json",
        &[
            ("__BEFORE_SHA__", base.as_str()),
            ("__HEAD_SHA__", head.as_str()),
        ],
        &[("formats", "json"), ("base", base.as_str())],
        &api,
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout
            .contains(&format!("pull-request mode against {base}")),
        "{}",
        run.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.output("json").unwrap()).unwrap())
            .unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "CHG002"),
        "{json}"
    );
    assert!(api.requests().is_empty(), "no comment on a push");
    let _ = std::fs::remove_dir_all(&run.temp);
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn a_pull_request_from_a_fork_gets_no_comment_and_still_a_summary() {
    if !python() {
        return;
    }
    let (repo, base, head) = repository("fork");
    let api = Api::start("[]");
    let run = run_step(
        &repo,
        "pull_request",
        "pull_request_fork.json",
        &[
            ("__BASE_SHA__", base.as_str()),
            ("__HEAD_SHA__", head.as_str()),
        ],
        &[("fail-on", "high")],
        &api,
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(api.requests().is_empty(), "{:?}", api.requests());
    assert!(
        run.stdout
            .contains("::notice title=stet::pull request from a fork: its token is read-only"),
        "{}",
        run.stdout
    );
    assert!(run.summary.starts_with("## ❌ stet"), "{}", run.summary);
    assert_eq!(run.output("fork"), Some("true"));
    let _ = std::fs::remove_dir_all(&run.temp);
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn bad_inputs_fail_early_and_say_why() {
    if !python() {
        return;
    }
    let (repo, base, head) = repository("bad");
    let api = Api::start("[]");
    let shas = [
        ("__BASE_SHA__", base.as_str()),
        ("__HEAD_SHA__", head.as_str()),
    ];
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("fail-on", "hgih")],
            "::error title=stet::input `fail-on`: `hgih` is not one of info, low, medium, high, never",
        ),
        (
            &[("formats", "sarif,html")],
            "::error title=stet::input `formats`: `html` is not a format (known: sarif, markdown, github, json, junit, text)",
        ),
        (
            &[("paths", "infra nope/")],
            "::error title=stet::input `paths`: `nope/` does not exist in .",
        ),
        (
            &[("working-directory", "terraform")],
            "::error title=stet::input `working-directory`: `terraform` is not a folder of the checkout",
        ),
        (
            &[("comment", "yes")],
            "::error title=stet::input `comment`: `yes` is not `true` or `false`",
        ),
    ];
    for (inputs, message) in cases {
        let run = run_step(
            &repo,
            "pull_request",
            "pull_request.json",
            &shas,
            inputs,
            &api,
        );
        assert_eq!(run.code, Some(2), "{inputs:?}: {}", run.stdout);
        assert!(run.stdout.contains(message), "{inputs:?}: {}", run.stdout);
        assert!(
            run.summary.is_empty() && run.outputs.is_empty(),
            "before stet runs"
        );
        let _ = std::fs::remove_dir_all(&run.temp);
    }
    // A base commit missing from a shallow checkout: the fix is `fetch-depth: 0`.
    let missing = "0123456789abcdef0123456789abcdef01234567";
    let run = run_step(
        &repo,
        "pull_request",
        "pull_request.json",
        &[("__BASE_SHA__", missing), ("__HEAD_SHA__", head.as_str())],
        &[],
        &api,
    );
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "the base revision `{missing}` is not in this clone"
        )) && run.stdout.contains("`fetch-depth: 0`"),
        "{}",
        run.stdout
    );
    assert!(api.requests().is_empty());
    let _ = std::fs::remove_dir_all(&run.temp);
    let _ = std::fs::remove_dir_all(&repo);
}

/// The install step: a release binary when one exists (here a local archive standing in for
/// the release download), else `cargo install --locked` from the action's own source (here a
/// stand-in cargo that records its arguments); the installed version is checked.
#[test]
fn the_install_step_prefers_a_release_binary_and_falls_back_to_cargo() {
    if !python() {
        return;
    }
    let work = std::env::temp_dir().join(format!("stet-action-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("release")).unwrap();
    let step = |name: &str, tool_cache: &Path, extra: &[(&str, &Path)]| {
        let mut command = Command::new("python3");
        command
            .arg(root().join("scripts/github_action.py"))
            .arg(name)
            .env("GITHUB_ACTION_PATH", root())
            .env("RUNNER_TOOL_CACHE", tool_cache)
            .env("GITHUB_OUTPUT", tool_cache.join("output.txt"))
            .env("GITHUB_PATH", tool_cache.join("path.txt"))
            .env_remove("STET_BINARY")
            .env_remove("INPUT_VERSION");
        for (k, v) in extra {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    };
    // The version step: this action's own version, and where it goes.
    let cache = work.join("tool-cache");
    std::fs::create_dir_all(&cache).unwrap();
    let (code, out) = step("version", &cache, &[]);
    assert_eq!(code, Some(0), "{out}");
    let outputs = std::fs::read_to_string(cache.join("output.txt")).unwrap();
    assert!(
        outputs.contains(&format!("version={}\n", env!("CARGO_PKG_VERSION"))),
        "{outputs}"
    );
    assert!(
        outputs.contains(&format!("install-dir={}/stet/", cache.display())),
        "{outputs}"
    );

    // A release archive holding this stet.
    let staging = work.join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_stet"), staging.join("stet")).unwrap();
    let archive = work.join("release/stet.tar.gz");
    let tar = Command::new("tar")
        .arg("czf")
        .arg(&archive)
        .arg("-C")
        .arg(&staging)
        .arg("stet")
        .status()
        .unwrap();
    assert!(tar.success());
    let url = PathBuf::from(format!("file://{}", archive.display()));
    let (code, out) = step("install", &cache, &[("STET_RELEASE_URL", &url)]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("installed the release binary"), "{out}");
    let path = std::fs::read_to_string(cache.join("path.txt")).unwrap();
    assert!(Path::new(path.trim()).join("stet").is_file(), "{path}");
    // Restored from the cache the second time: no download.
    let (code, out) = step("install", &cache, &[("STET_RELEASE_URL", &url)]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("restored from the cache"), "{out}");

    // No release: `cargo install --locked` from the action's source, cached by version.
    let cache = work.join("tool-cache-2");
    let bin = work.join("bin");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    let log = work.join("cargo.log");
    std::fs::write(
        bin.join("cargo"),
        format!(
            "#!/bin/sh\necho \"$*\" > '{}'\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\"\ncp '{}' \"$2/bin/stet\"\n",
            log.display(),
            env!("CARGO_BIN_EXE_stet")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("cargo"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let missing = PathBuf::from(format!("file://{}/release/missing.tar.gz", work.display()));
    let (code, out) = step(
        "install",
        &cache,
        &[("STET_RELEASE_URL", &missing), ("PATH", Path::new(&path))],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("no release binary"), "{out}");
    let args = std::fs::read_to_string(&log).unwrap();
    assert!(
        args.starts_with("install --locked --root ")
            && args.trim_end().ends_with(&format!(
                "--path {}",
                root().join("crates/stet-cli").display()
            )),
        "{args}"
    );
    // A version that is not one is refused before anything is fetched.
    let bad = PathBuf::from("latest");
    let (code, out) = step("install", &cache, &[("INPUT_VERSION", &bad)]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("input `version`: `latest` is not a version"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&work);
}
