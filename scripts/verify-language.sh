#!/usr/bin/env bash
# Checks languages end to end in the real sandbox shape, without Goxec itself.
#
#   scripts/verify-language.sh [--no-build] <id>...
#
# For each id: builds goxec/runtime-<id> with scripts/images.sh, then runs
# runtimes/<id>/tests/sum*.* (stdin "40 2", must print 42) and
# runtimes/<id>/tests/fail.* (must fail at the stage tests/expect.yaml names:
# compile_error or runtime_error; "none" for a language that cannot fail) and
# the runtime.yaml template (stdin "1", must print "Hello, world!"), each in a
# container with the worker's flags
# (src/Goxec.Worker/Sandbox/ContainerSpecFactory.cs, SandboxOptions.cs):
# read-only root, tmpfs /box (exec) and /tmp (noexec), no network, uid 1000,
# no capabilities, 256 MB with no swap, 64 pids, 1 CPU, the engine's env and
# its compile (20 s) and run (10 s) wall times.
#
# The engine uploads files with the archive API and runs compile and run as
# separate execs in one container; here one `sh -c` wrapper does the same in
# one `docker run`: the source arrives base64-encoded in an env var (never
# interpolated into the script), compile argv in another, run argv as the
# wrapper's arguments.
#
# Prints one line per language and appends it to .goxec/logs/verify.tsv:
#   id  result  image-size-MB  build  sum  fail  hello  compile-s  run-s
# (compile-s and run-s: the sum program's stages)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNTIMES=$ROOT/runtimes
LOGS=$ROOT/.goxec/logs
COMPILE_TIMEOUT=20
RUN_TIMEOUT=10

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=lib/yaml.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/yaml.sh"

# The wrapper: writes the source, runs compile (stdin empty, like the engine;
# its output on stderr: the engine keeps it apart from the program's) then run
# (stdin attached), each under its wall time, and reports stage,
# exit code and duration on stderr lines starting with "@@goxec".
# shellcheck disable=SC2016 # expanded inside the container
WRAPPER='
printf %s "$GOXEC_SOURCE" | base64 -d > "/box/$GOXEC_FILE" || exit 90
unset GOXEC_SOURCE
now() { date +%s%N; }
if [ -n "$GOXEC_COMPILE" ]; then
    t=$(now)
    IFS="
"; set -f
    timeout -k 1 "$GOXEC_COMPILE_TIMEOUT" $GOXEC_COMPILE </dev/null >&2; rc=$?
    unset IFS; set +f
    echo "@@goxec compile $rc $(( ($(now) - t) / 1000000 ))" >&2
    [ "$rc" -eq 0 ] || exit 0
fi
t=$(now)
timeout -k 1 "$GOXEC_RUN_TIMEOUT" "$@"; rc=$?
echo "@@goxec run $rc $(( ($(now) - t) / 1000000 ))" >&2
'

# run_program ID FILE SOURCE_PATH STDIN OUT ERR: one job's container.
run_program() {
    local id=$1 file=$2 source=$3 input=$4 out=$5 err=$6 compile run
    compile=$(yaml_list "$RUNTIMES/$id/runtime.yaml" compile)
    mapfile -t run < <(yaml_list "$RUNTIMES/$id/runtime.yaml" run)
    printf '%s' "$input" | timeout 120 docker run --rm -i \
        --network none --user 1000:1000 --read-only \
        --tmpfs /box:rw,exec,nosuid,nodev,size=64m,uid=1000,gid=1000,mode=0755 \
        --tmpfs /tmp:rw,noexec,nosuid,nodev,size=16m,mode=1777 \
        --cap-drop ALL --security-opt no-new-privileges \
        --memory 256m --memory-swap 256m --memory-swappiness 0 --cpus 1 \
        --pids-limit 64 --ulimit nofile=256:256 --ulimit fsize=16777216:16777216 \
        --ulimit core=0:0 --ipc private --init -w /box \
        -e PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        -e HOME=/tmp -e LANG=C.UTF-8 -e TMPDIR=/tmp \
        -e GOXEC_FILE="$file" -e GOXEC_SOURCE="$(base64 -w0 "$source")" \
        -e GOXEC_COMPILE="$compile" \
        -e GOXEC_COMPILE_TIMEOUT=$COMPILE_TIMEOUT -e GOXEC_RUN_TIMEOUT=$RUN_TIMEOUT \
        "goxec/runtime-$id:latest" sh -c "$WRAPPER" sh "${run[@]}" >"$out" 2>"$err" || true
}

# stage_field ERR STAGE N: field N (1 = exit code, 2 = ms) of a stage's marker.
stage_field() { awk -v s="$2" -v n="$3" '$1 == "@@goxec" && $2 == s { print $(2 + n) }' "$1"; }

verify() {
    local id=$1 dir=$RUNTIMES/$1 file expect build=not-built sum=no fail=no hello=no
    [[ -f $dir/runtime.yaml ]] || die "no runtimes/$id/runtime.yaml"
    file=$(yaml_scalar "$dir/runtime.yaml" file)
    expect=$(awk '/^fail:/ { print $2 }' "$dir/tests/expect.yaml")
    local sum_srcs=() fail_src
    mapfile -t sum_srcs < <(find "$dir/tests" -name 'sum*.*' | LC_ALL=C sort)
    fail_src=$(find "$dir/tests" -name 'fail.*' | head -n 1)
    [[ ${#sum_srcs[@]} -gt 0 && -n $expect && ( -n $fail_src || $expect == none ) ]] ||
        die "runtimes/$id/tests needs sum.*, fail.* and expect.yaml"

    if (( BUILD )); then
        local start=$SECONDS line
        line=$(bash "$ROOT/scripts/images.sh" "$id" 2>&1 | tee -a "$LOGS/verify-build.log" | grep -E "^$id " | tail -n 1) || true
        if [[ $line == *FAILED* || -z $line ]]; then
            printf '%s\tBUILD-FAILED\t-\t-\tno\tno\tno\t-\t-\n' "$id" | tee -a "$LOGS/verify.tsv"
            return 1
        fi
        build=cached; [[ $line == *cached* ]] || build="$((SECONDS - start))s"
    fi
    local size
    size=$(docker image inspect --format '{{.Size}}' "goxec/runtime-$id:latest" 2>/dev/null) ||
        die "no image goxec/runtime-$id:latest"
    size=$((size / 1000000))

    local out=$LOGS/verify-$id src sums=0
    sum=ok
    for src in "${sum_srcs[@]}"; do
        run_program "$id" "$file" "$src" $'40 2\n' "$out-sum.out" "$out-sum.err"
        if [[ $(tr -d '[:space:]' <"$out-sum.out") == 42 && $(stage_field "$out-sum.err" run 1) == 0 ]]; then
            sums=$((sums + 1))
        else
            sum="no(${src##*/})"; break
        fi
    done
    [[ $sum == ok ]] && sum="ok($sums)"

    local compile_rc run_rc
    if [[ $expect == none ]]; then
        fail=none
    else
        run_program "$id" "$file" "$fail_src" '' "$out-fail.out" "$out-fail.err"
        compile_rc=$(stage_field "$out-fail.err" compile 1)
        run_rc=$(stage_field "$out-fail.err" run 1)
        case $expect in
            compile_error) [[ -n $compile_rc && $compile_rc != 0 && -z $run_rc ]] && fail=ok ;;
            runtime_error) [[ ${compile_rc:-0} == 0 && -n $run_rc && $run_rc != 0 && $run_rc != 124 && $run_rc != 137 ]] && fail=ok ;;
            *) die "runtimes/$id/tests/expect.yaml: unknown fail: $expect" ;;
        esac
    fi

    # Some programs only run on input (jq's filter, sed's script): "1" is a line and a JSON value.
    yaml_template "$dir/runtime.yaml" >"$out-hello.src"
    run_program "$id" "$file" "$out-hello.src" $'1\n' "$out-hello.out" "$out-hello.err"
    grep -q 'Hello, world!' "$out-hello.out" "$out-hello.err" && [[ $(stage_field "$out-hello.err" run 1) == 0 ]] && hello=ok

    local result=PASS compile_s run_s
    [[ $sum == ok* && ( $fail == ok || $fail == none ) && $hello == ok ]] || result=FAIL
    compile_s=$(stage_field "$out-sum.err" compile 2); run_s=$(stage_field "$out-sum.err" run 2)
    compile_s=${compile_s:+$(awk -v m="$compile_s" 'BEGIN { printf "%.2f", m / 1000 }')}
    run_s=${run_s:+$(awk -v m="$run_s" 'BEGIN { printf "%.2f", m / 1000 }')}
    printf '%s\t%s\t%s\t%s\t%s\t%s(%s)\t%s\t%s\t%s\n' "$id" "$result" "$size" "$build" "$sum" "$fail" \
        "${compile_rc:+compile=$compile_rc}${run_rc:+ run=$run_rc}" "$hello" "${compile_s:--}" "${run_s:--}" |
        tee -a "$LOGS/verify.tsv"
    if [[ $result == FAIL ]]; then
        { echo "--- sum stdout:"; head -c 2000 "$out-sum.out"; echo "--- sum stderr:"; head -c 3000 "$out-sum.err"
          echo "--- fail stderr:"; head -c 2000 "$out-fail.err"
          echo "--- hello stdout:"; head -c 500 "$out-hello.out"; echo "--- hello stderr:"; head -c 2000 "$out-hello.err"; } | sed 's/^/  | /' >&2
        return 1
    fi
}

BUILD=1
ids=()
for arg in "$@"; do
    case $arg in
        --no-build) BUILD=0 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $arg" ;;
        *) ids+=("$arg") ;;
    esac
done
(( ${#ids[@]} > 0 )) || die "usage: scripts/verify-language.sh [--no-build] <id>..."
mkdir -p "$LOGS"
rc=0
for id in "${ids[@]}"; do verify "$id" || rc=1; done
exit $rc
