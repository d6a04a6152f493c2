#!/usr/bin/env bash
# Times stet against the peers it replaces, on the same corpus files, in the same run:
# checkov (whole corpus), cfn-lint (CloudFormation files), cfn-guard (the Guard Rules Registry's
# rules over the CloudFormation files), and start-up on one small file. Installs nothing: a peer
# that is not on PATH (or given by CHECKOV/CFN_LINT/CFN_GUARD) is reported as absent. Runs
# alternate between stet and the peer; each cell is the median of RUNS runs; every peer run has
# a timeout, and a peer that times out or crashes on the whole corpus is run per repository
# folder instead. Prints the table and writes it to docs/performance.md.
#
#   benches/peers.sh [CORPUS_DIR]        (default ../shared/corpus/files)
#   RUNS=3 TIMEOUT=600 STET=target/release/stet benches/peers.sh
#   CHECKOV_RUNS=1 (checkov's repetitions; default RUNS) — one per-repository pass takes ~30 min
#   ONLY="cfn-guard startup" (some comparisons; the other rows are kept from the current table)
set -uo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-../shared/corpus/files}
RULES=${RULES:-../shared/conformance/guard-rules-registry/rules}
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-600}
STET=${STET:-target/release/stet}
CHECKOV=${CHECKOV:-$(command -v checkov || true)}
CFN_LINT=${CFN_LINT:-$(command -v cfn-lint || true)}
CFN_GUARD=${CFN_GUARD:-$(command -v cfn-guard || true)}
OUT=${OUT:-docs/performance.md}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -d "$CORPUS" ]; then echo "skipped: no corpus at $CORPUS"; exit 0; fi
[ -x "$STET" ] || cargo build --release -q -p stet-iac-cli

# One timed run: prints "seconds peak_kb status" (status: ok, timeout, crash).
timed() {
    local log=$WORK/time.$$
    /usr/bin/time -f "%e %M" -o "$log" timeout "$TIMEOUT" "$@" >"$WORK/out" 2>"$WORK/err"
    local rc=$?
    local status=ok
    if [ $rc -eq 124 ]; then status=timeout; elif [ $rc -ge 125 ] || grep -q "panicked\|Traceback" "$WORK/err"; then status=crash; fi
    echo "$(cat "$log" | tail -1) $status"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# Alternating runs of stet (first command) and a peer (second); sets S_T S_M P_T P_M P_STATUS.
compare() {
    local stet_cmd=$1 peer_cmd=$2
    : >"$WORK/s"; : >"$WORK/p"; P_STATUS=ok
    for _ in $(seq "$RUNS"); do
        read -r t m s <<<"$(timed bash -c "$stet_cmd")"; echo "$t $m" >>"$WORK/s"
        read -r t m s <<<"$(timed bash -c "$peer_cmd")"; echo "$t $m" >>"$WORK/p"
        if [ "$s" != ok ]; then P_STATUS=$s; break; fi
    done
    S_T=$(cut -d' ' -f1 "$WORK/s" | median); S_M=$(cut -d' ' -f2 "$WORK/s" | median)
    P_T=$(cut -d' ' -f1 "$WORK/p" | median); P_M=$(cut -d' ' -f2 "$WORK/p" | median)
}

# The peer/stet time ratio; a peer that timed out gives a lower bound, one that crashed none.
ratio() {
    case ${3:-ok} in
        crash) echo "- (peer crashed)" ;;
        timeout) awk -v p="$1" -v s="$2" 'BEGIN { if (s > 0) printf "≥ %.0f×", p / s; else print "-" }' ;;
        *) awk -v p="$1" -v s="$2" 'BEGIN { if (s > 0 && p != "-") printf "%.0f×", p / s; else print "-" }' ;;
    esac
}
mb() { awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.0f MB", k / 1024 }'; }

ROWS=()
row() { ROWS+=("| $1 | $2 s, $(mb "$3") | $4 | $5 | $6 |"); echo "$1: stet $2 s $(mb "$3"); peer $4 ($5): $6"; }

# CloudFormation templates (JSON/YAML that name an AWS resource type or the template version).
grep -rlE --include='*.json' --include='*.yaml' --include='*.yml' --include='*.template' \
    'AWSTemplateFormatVersion|"Type" *: *"AWS::|Type: *AWS::' "$CORPUS" | sort >"$WORK/cfn.txt"
CFN_COUNT=$(wc -l <"$WORK/cfn.txt")

# ONLY (default: all) runs some of the comparisons — checkov cfn-lint cfn-guard startup — and
# keeps the rows of the others from the table already in $OUT.
ONLY=${ONLY:-checkov cfn-lint cfn-guard startup}
wanted() { case " $ONLY " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
keep() { while IFS= read -r line; do ROWS+=("$line"); done < <(sed '/^## /q' "$OUT" 2>/dev/null | grep -F "$1" | grep '^| '); }

# 1. Whole corpus, full pack, against checkov.
if ! wanted checkov; then
    keep "— checkov (whole" ; keep "whole corpus, full pack — checkov |"
elif [ -n "$CHECKOV" ]; then
    # checkov takes minutes per run: CHECKOV_RUNS (default RUNS) bounds its repetitions.
    runs_saved=$RUNS; RUNS=${CHECKOV_RUNS:-$RUNS}
    compare "$STET check '$CORPUS' --fail-on never --format json >/dev/null" \
            "$CHECKOV -d '$CORPUS' --framework terraform,cloudformation --quiet --skip-download -o json >/dev/null"
    if [ "$P_STATUS" = ok ]; then
        row "whole corpus, full pack — checkov" "$S_T" "$S_M" "$P_T s, $(mb "$P_M")" ok "$(ratio "$P_T" "$S_T")"
    else
        # Per repository: the folders checkov finishes, summed for both tools.
        st=0; pt=0; done_repos=0; failed=0; pm=0; sm=0
        for repo in "$CORPUS"/*/; do
            read -r t m s <<<"$(timed "$CHECKOV" -d "$repo" --framework terraform,cloudformation --quiet --skip-download -o json)"
            if [ "$s" != ok ]; then failed=$((failed + 1)); continue; fi
            pt=$(awk -v a="$pt" -v b="$t" 'BEGIN{print a+b}'); [ "$m" -gt "$pm" ] && pm=$m
            read -r t m s <<<"$(timed "$STET" check "$repo" --fail-on never --format json)"
            st=$(awk -v a="$st" -v b="$t" 'BEGIN{print a+b}'); [ "$m" -gt "$sm" ] && sm=$m
            done_repos=$((done_repos + 1))
        done
        row "whole corpus, full pack — checkov (whole corpus: $P_STATUS after ${TIMEOUT} s; per repository: $done_repos finished, $failed did not)" \
            "$st" "$sm" "$pt s, $(mb "$pm")" "per repository" "$(ratio "$pt" "$st")"
    fi
    RUNS=$runs_saved
else
    row "whole corpus — checkov" "-" "-" "absent" "-" "-"
fi

# 2. CloudFormation files, against cfn-lint.
if ! wanted cfn-lint; then
    keep "CloudFormation templates — cfn-lint"
elif [ -n "$CFN_LINT" ]; then
    compare "xargs -a '$WORK/cfn.txt' $STET check --fail-on never --format json >/dev/null" \
            "xargs -a '$WORK/cfn.txt' $CFN_LINT --format json >/dev/null"
    if [ "$P_STATUS" = ok ]; then
        row "$CFN_COUNT CloudFormation templates — cfn-lint" "$S_T" "$S_M" "$P_T s, $(mb "$P_M")" ok "$(ratio "$P_T" "$S_T")"
    else
        # Per repository: the templates of each repository, for both tools, summed over the
        # repositories cfn-lint finishes.
        st=0; pt=0; done_repos=0; failed=0; pm=0; sm=0; whole=$P_STATUS
        for repo in "$CORPUS"/*/; do
            grep -F "$repo" "$WORK/cfn.txt" >"$WORK/repo.txt" || continue
            read -r t m s <<<"$(timed xargs -a "$WORK/repo.txt" "$CFN_LINT" --format json)"
            # cfn-lint exits non-zero when it finds problems; only a timeout or a crash counts.
            if [ "$s" = timeout ] || grep -q "Traceback" "$WORK/err"; then failed=$((failed + 1)); continue; fi
            pt=$(awk -v a="$pt" -v b="$t" 'BEGIN{print a+b}'); [ "$m" -gt "$pm" ] && pm=$m
            read -r t m s <<<"$(timed xargs -a "$WORK/repo.txt" "$STET" check --fail-on never --format json)"
            st=$(awk -v a="$st" -v b="$t" 'BEGIN{print a+b}'); [ "$m" -gt "$sm" ] && sm=$m
            done_repos=$((done_repos + 1))
        done
        row "$CFN_COUNT CloudFormation templates — cfn-lint (all at once: $whole after ${TIMEOUT} s; per repository: $done_repos finished, $failed did not)" \
            "$st" "$sm" "$pt s, $(mb "$pm")" "per repository" "$(ratio "$pt" "$st")"
    fi
else
    row "CloudFormation templates — cfn-lint" "-" "-" "absent" "-" "-"
fi

# 3. The Guard Rules Registry over the CloudFormation files, against cfn-guard.
if ! wanted cfn-guard; then
    keep "| registry rules"
elif [ -n "$CFN_GUARD" ] && [ -d "$RULES" ]; then
    mkdir -p "$WORK/templates"
    # Copies, not links: stet does not follow a link that leads out of the scanned folder.
    n=0; while read -r f; do n=$((n + 1)); cp "$f" "$WORK/templates/$n.${f##*.}"; done <"$WORK/cfn.txt"
    compare "$STET check '$WORK/templates' --no-builtin --rules '$RULES' --fail-on never --format json >/dev/null" \
            "$CFN_GUARD validate -r '$RULES' -d '$WORK/templates' -o json >/dev/null"
    if [ "$P_STATUS" = crash ]; then
        # cfn-guard stops at the first template it cannot parse: find the ones it reads (one
        # small rule each) and compare both tools on those.
        whole=$P_STATUS
        mkdir -p "$WORK/readable"
        probe=$(find "$RULES" -name '*.guard' | sort | head -1)
        for f in "$WORK"/templates/*; do
            timeout 30 "$CFN_GUARD" validate -r "$probe" -d "$f" -o json >/dev/null 2>"$WORK/err"
            # 0 (pass) or 19 (rule failures): read; 255 (parse error), a panic or a timeout: not.
            if [ $? -lt 128 ] && ! grep -q "Error occurred\|panicked" "$WORK/err"; then
                cp "$f" "$WORK/readable/${f##*/}"
            fi
        done
        readable=$(find "$WORK/readable" -type f | wc -l)
        compare "$STET check '$WORK/readable' --no-builtin --rules '$RULES' --fail-on never --format json >/dev/null" \
                "$CFN_GUARD validate -r '$RULES' -d '$WORK/readable' -o json >/dev/null"
        row "registry rules over the $readable templates cfn-guard reads (all $CFN_COUNT: $whole) — cfn-guard" "$S_T" "$S_M" "$P_T s, $(mb "$P_M")" "$P_STATUS" "$(ratio "$P_T" "$S_T" "$P_STATUS")"
    else
        row "registry rules over the templates — cfn-guard" "$S_T" "$S_M" "$P_T s, $(mb "$P_M")" "$P_STATUS" "$(ratio "$P_T" "$S_T" "$P_STATUS")"
    fi
else
    row "registry rules — cfn-guard" "-" "-" "absent" "-" "-"
fi

# 4. Start-up on one small file.
mkdir -p "$WORK/small"
printf 'terraform {\n  required_version = ">= 1.5"\n}\n\nresource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n' >"$WORK/small/main.tf"
printf 'Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n' >"$WORK/small/template.yaml"
wanted startup || keep "| one small file"
wanted startup && for peer in checkov cfn-lint cfn-guard; do
    case $peer in
        checkov) bin=$CHECKOV; file=main.tf; cmd="$CHECKOV -f '$WORK/small/main.tf' --quiet --skip-download -o json" ;;
        cfn-lint) bin=$CFN_LINT; file=template.yaml; cmd="$CFN_LINT '$WORK/small/template.yaml'" ;;
        cfn-guard) bin=$CFN_GUARD; file=template.yaml; cmd="$CFN_GUARD validate -r '$RULES/aws/amazon_s3' -d '$WORK/small/template.yaml'" ;;
    esac
    if [ -z "$bin" ]; then row "one small file — $peer" "-" "-" "absent" "-" "-"; continue; fi
    compare "$STET check '$WORK/small/$file' --fail-on never >/dev/null" "$cmd >/dev/null"
    row "one small file ($file) — $peer" "$S_T" "$S_M" "$P_T s, $(mb "$P_M")" "$P_STATUS" "$(ratio "$P_T" "$S_T" "$P_STATUS")"
done

MACHINE="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
VERSIONS="stet $($STET --version | cut -d' ' -f2); checkov ${CHECKOV:+$($CHECKOV --version 2>/dev/null)}; $( [ -n "$CFN_LINT" ] && $CFN_LINT --version 2>/dev/null); $( [ -n "$CFN_GUARD" ] && $CFN_GUARD --version 2>/dev/null)"
{
    echo "# Performance"
    echo
    echo "Measured by \`benches/peers.sh\` on $(date -u +%Y-%m-%d): $MACHINE. Versions: $VERSIONS."
    echo "Each cell is the median of $RUNS alternating runs${CHECKOV_RUNS:+ (checkov: $CHECKOV_RUNS)} (wall time, peak resident memory from"
    echo "\`/usr/bin/time\`); every peer run has a ${TIMEOUT}-second timeout. Corpus: \`$CORPUS\`"
    echo "($CFN_COUNT CloudFormation templates)."
    echo
    echo "| comparison | stet | peer | peer status | peer time / stet time |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    if [ -f docs/performance-notes.md ]; then cat docs/performance-notes.md; fi
} >"$OUT"
echo "wrote $OUT"
