#!/usr/bin/env python3
"""The stet GitHub Action's steps (action.yml runs them): `version`, `install` and `run`.

version  Chooses the stet version (the `version` input, else this action's own) and the folder
         it is installed in, as step outputs for the cache step.
install  Puts that stet in the folder: kept from the cache when it is there, else a release
         binary when one exists for this runner, else `cargo install --locked`.
run      Checks the inputs, runs stet once (pull-request mode on pull requests, a full scan on
         pushes), renders every requested format from that run, writes the Markdown report to
         the job summary, prints annotations, updates one sticky pull-request comment (not on
         forks, whose token is read-only), sets the outputs and exits with stet's status.

Standard library only. Reads the variables GitHub sets (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH,
GITHUB_WORKSPACE, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
GITHUB_PATH, RUNNER_TEMP, ...) and the inputs as INPUT_* variables. STET_BINARY runs that stet
instead of installing one; STET_RELEASE_URL replaces the release download address (with
{version} and {target} in it).
"""

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request

REPOSITORY = "https://github.com/stet-iac/stet"
RELEASE_URL = REPOSITORY + "/releases/download/v{version}/stet-{target}.tar.gz"
FAIL_ON = ("info", "low", "medium", "high", "never")
FORMATS = ("sarif", "markdown", "github", "json", "junit", "text")
EXTENSIONS = {
    "sarif": "sarif",
    "markdown": "md",
    "json": "json",
    "junit": "xml",
    "text": "txt",
}
MARKER = "<!-- stet-action -->"
# GitHub's limit on a job summary is 1 MiB; a comment's is 65,536 characters (stet keeps its
# Markdown under it).
SUMMARY_LIMIT = 1024 * 1024


class InputError(Exception):
    """A problem with the inputs or the checkout, reported before stet runs."""


def main(argv):
    if len(argv) != 2 or argv[1] not in ("version", "install", "run"):
        print("usage: github_action.py version|install|run", file=sys.stderr)
        return 2
    try:
        return {"version": version, "install": install, "run": run}[argv[1]]()
    except InputError as e:
        error(str(e))
        return 2


# --- the workflow's files ------------------------------------------------------------------


def env(name, default=""):
    return os.environ.get(name, default)


def text_input(name, default=""):
    """An input as the runner passes it (INPUT_FAIL_ON for `fail-on`), trimmed."""
    value = env("INPUT_" + name.upper().replace("-", "_").replace(" ", "_"))
    return value.strip() or default


def error(message):
    print("::error title=stet::" + command_data(message), flush=True)


def notice(message):
    print("::notice title=stet::" + command_data(message), flush=True)


def command_data(text):
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def set_output(name, value):
    path = env("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        if "\n" in value:
            delimiter = "stet_%d" % os.getpid()
            f.write("%s<<%s\n%s\n%s\n" % (name, delimiter, value, delimiter))
        else:
            f.write("%s=%s\n" % (name, value))


# --- version and install ---------------------------------------------------------------------


def action_path():
    return env("GITHUB_ACTION_PATH") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def own_version():
    """The version of the stet this action was checked out with (workspace Cargo.toml)."""
    try:
        with open(os.path.join(action_path(), "Cargo.toml"), encoding="utf-8") as f:
            match = re.search(r'^version = "([^"]+)"', f.read(), re.MULTILINE)
    except OSError:
        match = None
    return match.group(1) if match else None


def chosen_version():
    value = text_input("version")
    if value:
        value = value[1:] if value.startswith("v") else value
        if not re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", value):
            raise InputError(
                "input `version`: `%s` is not a version (expected X.Y.Z, e.g. 0.1.0, or empty for this action's own)"
                % value
            )
        return value
    own = own_version()
    if not own:
        raise InputError("cannot read this action's version from %s/Cargo.toml" % action_path())
    return own


def install_dir(version):
    base = env("RUNNER_TOOL_CACHE") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "stet", version, platform.machine().lower() or "unknown")


def version():
    chosen = chosen_version()
    set_output("version", chosen)
    set_output("install-dir", install_dir(chosen))
    print("stet %s, installed in %s" % (chosen, install_dir(chosen)))
    return 0


def target_triple():
    machine = platform.machine().lower()
    arch = {"x86_64": "x86_64", "amd64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}.get(machine)
    system = {"Linux": "unknown-linux-gnu", "Darwin": "apple-darwin"}.get(platform.system())
    if arch and system:
        return "%s-%s" % (arch, system)
    return None


def installed_version(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"(\d+\.\d+\.\d+\S*)", out.stdout)
    return match.group(1) if match else None


def install():
    chosen = chosen_version()
    folder = install_dir(chosen)
    binary = os.path.join(folder, "bin", "stet")
    if env("STET_BINARY"):
        print("using STET_BINARY=%s" % env("STET_BINARY"))
        return 0
    if os.access(binary, os.X_OK) and installed_version(binary) == chosen:
        print("stet %s restored from the cache: %s" % (chosen, binary))
    elif not download(chosen, folder, binary):
        cargo_install(chosen, folder)
    found = installed_version(binary)
    if found != chosen:
        raise InputError("installed stet reports version %s, expected %s" % (found, chosen))
    path = env("GITHUB_PATH")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(os.path.join(folder, "bin") + "\n")
    set_output("binary", binary)
    return 0


def download(chosen, folder, binary):
    """The release binary, when there is one for this runner; False otherwise."""
    target = target_triple()
    if target is None:
        print("no release binaries for %s %s; building with cargo" % (platform.system(), platform.machine()))
        return False
    url = (env("STET_RELEASE_URL") or RELEASE_URL).format(version=chosen, target=target)
    print("downloading %s" % url)
    try:
        with urllib.request.urlopen(url, timeout=60) as response, tempfile.TemporaryFile() as archive:
            shutil.copyfileobj(response, archive)
            archive.seek(0)
            with tarfile.open(fileobj=archive, mode="r:gz") as tar:
                member = next(
                    (m for m in tar.getmembers() if m.isfile() and os.path.basename(m.name) == "stet"),
                    None,
                )
                if member is None:
                    print("the archive has no `stet` binary; building with cargo")
                    return False
                source = tar.extractfile(member)
                os.makedirs(os.path.dirname(binary), exist_ok=True)
                with open(binary + ".part", "wb") as out:
                    shutil.copyfileobj(source, out)
        os.chmod(binary + ".part", 0o755)
        os.replace(binary + ".part", binary)
    except (urllib.error.URLError, OSError, tarfile.TarError, ValueError) as e:
        print("no release binary (%s); building with cargo" % e)
        return False
    print("installed the release binary: %s" % binary)
    return True


def cargo_install(chosen, folder):
    cargo = shutil.which("cargo")
    if cargo is None:
        raise InputError(
            "no release binary of stet %s for this runner, and cargo is not installed: add `dtolnay/rust-toolchain@stable` before this action"
            % chosen
        )
    source = os.path.join(action_path(), "crates", "stet-cli")
    if chosen == own_version() and os.path.isfile(os.path.join(source, "Cargo.toml")):
        where = ["--path", source]
    else:
        where = ["--git", REPOSITORY, "--tag", "v" + chosen, "stet-cli"]
    command = [cargo, "install", "--locked", "--root", folder] + where
    print("building stet %s with `%s` (a few minutes; cached for later runs)" % (chosen, " ".join(command)), flush=True)
    if subprocess.run(command).returncode != 0:
        raise InputError("`cargo install` failed (its messages are above)")


# --- run -------------------------------------------------------------------------------------


def event():
    path = env("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise InputError("cannot read the event payload %s: %s" % (path, e))


def split_list(text):
    return [p for p in re.split(r"[\s,]+", text) if p]


def git(cwd, *args):
    return subprocess.run(["git", "-C", cwd] + list(args), capture_output=True, text=True)


def has_commit(cwd, revision):
    return git(cwd, "rev-parse", "--verify", "--quiet", revision + "^{commit}").returncode == 0


def ensure_base(cwd, base):
    """The base revision is in the clone, fetched once if a remote has it; else a clear error."""
    if has_commit(cwd, base):
        return
    if git(cwd, "remote", "get-url", "origin").returncode == 0:
        print("fetching the base revision %s" % base, flush=True)
        git(cwd, "fetch", "--no-tags", "--depth=1", "origin", base)
        if has_commit(cwd, base):
            return
    raise InputError(
        "the base revision `%s` is not in this clone, so the pull request cannot be compared with it. "
        "Check out with history: `actions/checkout@v4` with `fetch-depth: 0`, or fetch it before this step "
        "(`git fetch origin %s`)." % (base, base)
    )


def run():
    workspace = env("GITHUB_WORKSPACE") or os.getcwd()
    fail_on = text_input("fail-on", "low").lower()
    if fail_on not in FAIL_ON:
        raise InputError("input `fail-on`: `%s` is not one of %s" % (fail_on, ", ".join(FAIL_ON)))
    formats = [f.lower() for f in split_list(text_input("formats", "sarif,markdown,github"))]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(
            "input `formats`: `%s` is not a format (known: %s)" % (", ".join(unknown) or "(empty)", ", ".join(FORMATS))
        )
    comment = text_input("comment", "true").lower()
    if comment not in ("true", "false"):
        raise InputError("input `comment`: `%s` is not `true` or `false`" % comment)
    directory = text_input("working-directory", ".")
    cwd = os.path.normpath(os.path.join(workspace, directory))
    if not os.path.isdir(cwd):
        raise InputError("input `working-directory`: `%s` is not a folder of the checkout (%s)" % (directory, workspace))
    paths = split_list(text_input("paths", "."))
    for p in paths:
        if not os.path.exists(os.path.join(cwd, p)):
            raise InputError("input `paths`: `%s` does not exist in %s" % (p, directory))

    payload = event()
    name = env("GITHUB_EVENT_NAME")
    pull = payload.get("pull_request") if name in ("pull_request", "pull_request_target") else None
    base = text_input("base")
    if not base and pull:
        base = ((pull.get("base") or {}).get("sha")) or ""
    if base:
        ensure_base(cwd, base)
    fork = False
    if pull:
        head_repo = ((pull.get("head") or {}).get("repo") or {}).get("full_name")
        base_repo = ((pull.get("base") or {}).get("repo") or {}).get("full_name")
        fork = head_repo != base_repo

    out_dir = os.path.join(env("RUNNER_TEMP") or tempfile.gettempdir(), "stet-reports")
    os.makedirs(out_dir, exist_ok=True)
    files = {}
    for f in formats + ["json"]:
        if f in EXTENSIONS and f not in files:
            files[f] = os.path.join(out_dir, "stet." + EXTENSIONS[f])
    stet = env("STET_BINARY") or shutil.which("stet") or "stet"
    command = [stet, "check"] + paths + ["--fail-on", fail_on, "--color", "never"]
    if base:
        command += ["--base", base]
    command += ["--format", "github" if "github" in formats else "text"]
    for f, path in files.items():
        command += ["--output", "%s=%s" % (f, path)]
    print("::group::stet %s" % ("pull-request mode against " + base if base else "full scan"), flush=True)
    print("$ " + " ".join(command[1:]), flush=True)
    print("::endgroup::", flush=True)
    try:
        status = subprocess.run(command, cwd=cwd).returncode
    except OSError as e:
        raise InputError("cannot run stet (%s): %s" % (stet, e))

    findings = None
    try:
        with open(files["json"], encoding="utf-8") as f:
            findings = len(json.load(f).get("findings", []))
    except (OSError, ValueError, KeyError):
        pass
    markdown = None
    if "markdown" in files:
        try:
            with open(files["markdown"], encoding="utf-8") as f:
                markdown = f.read()
        except OSError:
            markdown = None
    if markdown is not None and env("GITHUB_STEP_SUMMARY"):
        with open(env("GITHUB_STEP_SUMMARY"), "a", encoding="utf-8") as f:
            f.write(markdown[:SUMMARY_LIMIT])
    if pull and comment == "true" and "markdown" not in formats:
        notice("no pull-request comment: input `formats` has no `markdown`, which the comment is made of")
    if pull and markdown is not None and comment == "true":
        if fork:
            notice(
                "pull request from a fork: its token is read-only, so there is no comment; the report is in the job summary"
            )
        else:
            sticky_comment(pull.get("number"), markdown)

    for f, path in files.items():
        if f != "json" or "json" in formats:
            set_output(f, path)
    set_output("exit-code", str(status))
    if findings is not None:
        set_output("findings", str(findings))
    set_output("fork", "true" if fork else "false")
    if status == 1:
        print("stet: findings at or above `%s` (input `fail-on`)" % fail_on)
    elif status == 2:
        error("stet could not read every input, or scanned nothing (its messages are above)")
    return status


def api(method, url, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    request.add_header("User-Agent", "stet-action")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def sticky_comment(number, markdown):
    """Updates the comment carrying MARKER, or adds one. A refusal is a warning, not a failure."""
    token = env("GITHUB_TOKEN")
    repository = env("GITHUB_REPOSITORY")
    if not (token and repository and number):
        notice("no comment: GITHUB_TOKEN, the repository or the pull-request number is missing")
        return
    root = env("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    body = MARKER + "\n" + markdown
    try:
        existing = None
        page = 1
        # 100 comments a page; a pull request with more than 3,000 gets a new comment.
        while existing is None and page <= 30:
            comments = api(
                "GET",
                "%s/repos/%s/issues/%s/comments?per_page=100&page=%d" % (root, repository, number, page),
                token,
            )
            if not comments:
                break
            existing = next((c for c in comments if MARKER in (c.get("body") or "")), None)
            page += 1
        if existing is not None:
            api("PATCH", "%s/repos/%s/issues/comments/%s" % (root, repository, existing["id"]), token, {"body": body})
            print("updated the pull-request comment %s" % existing["id"])
        else:
            api("POST", "%s/repos/%s/issues/%s/comments" % (root, repository, number), token, {"body": body})
            print("added a pull-request comment")
    except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError) as e:
        print(
            "::warning title=stet::cannot update the pull-request comment (%s): does the workflow grant `pull-requests: write`?"
            % command_data(str(e)),
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
