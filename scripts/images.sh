#!/usr/bin/env bash
# Builds Goxec's runtime images from runtimes/ (called as `./goxec images`).
#
#   scripts/images.sh [--all] [--jobs N] [id...]
#
# goxec/rootfs:bookworm  debootstrap minbase, imported (built only when missing)
# goxec/base:bookworm    runtimes/base/Dockerfile (rebuilt when it changes)
# goxec/runtime-<id>:<hash> and :latest, <hash> = definition hash (see
#                        definition_hash), labelled goxec.language,
#                        goxec.definition and goxec.version.
#
# Languages build N at a time (--jobs, default: the number of cores, at most 4). Images whose
# Dockerfiles begin with the same instruction (a family's shared first layer: the JDK, GCC, Node.js,
# the .NET SDK…) build one after another in one lane, so that layer is built once and reused from
# the builder's cache — and stored once on disk. A language folder with a `context` file names a
# provider, scripts/context/<name>.sh, that adds host files to its build context (the .NET SDK);
# the provider's fingerprint is part of the definition hash.
#
# Environment: GOXEC_DEBIAN_MIRROR overrides the mirror read from apt's config.
set -euo pipefail

# The languages CI builds and tests (runtimes/CORE, shared with the test suite); `--all` builds every folder.
read -r -a CORE_LANGUAGES < <(grep -v '^#' "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/runtimes/CORE")

SUITE=bookworm
ROOTFS_IMAGE=goxec/rootfs:$SUITE
BASE_IMAGE=goxec/base:$SUITE

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNTIMES=$ROOT/runtimes
LOGS=$ROOT/.goxec/logs

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<EOF
usage: scripts/images.sh [--all] [--jobs N] [id...]

Builds the runtime images. Without ids: the core set (${CORE_LANGUAGES[*]}).
  --all      every language under runtimes/
  --jobs N   build N languages at a time (default $(default_jobs))
Available: $(all_languages | tr '\n' ' ')
EOF
}

# Builds are mostly downloads and unpacking: one per core, but never more than 4 on anyone's machine.
default_jobs() {
    local cores
    cores=$(nproc 2>/dev/null || echo 1)
    (( cores > 4 )) && cores=4
    echo "$cores"
}

all_languages() {
    local dir
    for dir in "$RUNTIMES"/*/; do
        dir=${dir%/}; dir=${dir##*/}
        [[ $dir == base ]] || printf '%s\n' "$dir"
    done
}

# ---- progress display ------------------------------------------------------

if [[ -t 1 ]]; then TTY=1; else TTY=0; fi

# status NAME TEXT: a finished line (TTY: overwrites the live line).
status() {
    if (( TTY )); then printf '\r\033[K%-14s %s\n' "$1" "$2"
    else printf '%-14s %s\n' "$1" "$2"; fi
}

# Build output without colours and carriage returns.
plain() { sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r//g; s/\t/ /g'; }

# run_logged NAME LOG CMD...: runs CMD with its output in LOG; on a TTY shows
# the last log line live. Returns CMD's exit code.
run_logged() {
    local name=$1 log=$2; shift 2
    if (( ! TTY )); then
        status "$name" "building…"
        "$@" >"$log" 2>&1
        return
    fi
    "$@" >"$log" 2>&1 &
    local pid=$! cols last
    cols=$(tput cols 2>/dev/null || echo 80)
    while kill -0 "$pid" 2>/dev/null; do
        last=$(tail -n 1 "$log" 2>/dev/null | plain | cut -c1-$((cols - 28)))
        printf '\r\033[K%-12s building… %s' "$name" "$last"
        sleep 0.2
    done
    wait "$pid"
}

# build_step NAME LOG CMD...: run_logged that stops the script with the log's
# tail on failure. The caller reports success.
build_step() {
    local name=$1 log=$2 rc=0
    run_logged "$@" || rc=$?
    if (( rc != 0 )); then
        status "$name" "FAILED"
        {
            printf '\nerror: building %s failed (exit %d). Last 20 lines of %s:\n' \
                "$name" "$rc" "${log#"$ROOT"/}"
            tail -n 20 "$log" | plain | sed 's/^/  | /'
        } >&2
        exit 1
    fi
}

# ---- prerequisites ---------------------------------------------------------

check_docker() {
    command -v docker >/dev/null || die "the docker CLI is not on PATH"
    timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
        die "the Docker daemon does not answer (is dockerd running and DOCKER_HOST right?)"
}

# The Debian mirror from the host's apt config: the first deb entry that is
# not a security archive. deb822 .sources files first, then sources.list.
debian_mirror() {
    if [[ -n ${GOXEC_DEBIAN_MIRROR:-} ]]; then printf '%s\n' "$GOXEC_DEBIAN_MIRROR"; return; fi
    local uri
    uri=$({
        cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
            awk 'BEGIN{IGNORECASE=1}
                 /^Types:/ {deb = ($0 ~ /[ \t]deb([ \t]|$)/)}
                 /^URIs:/ && deb {for (i = 2; i <= NF; i++) print $i}
                 /^$/ {deb = 0}'
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
            awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) {print $i; break}}'
    } | grep -v -i security | head -n 1) || true
    [[ -n $uri ]] || die "no Debian mirror found in /etc/apt; set GOXEC_DEBIAN_MIRROR"
    printf '%s\n' "$uri"
}

# ---- images ----------------------------------------------------------------

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

label() { docker image inspect --format "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null; }

build_rootfs() {
    image_exists "$ROOTFS_IMAGE" && { status rootfs cached; return; }
    command -v debootstrap >/dev/null ||
        die "debootstrap is needed to build $ROOTFS_IMAGE (apt-get install debootstrap)"
    (( EUID == 0 )) || die "debootstrap needs root to build $ROOTFS_IMAGE"
    local mirror include=()
    mirror=$(debian_mirror)
    [[ $mirror == https:* ]] && include=(--include=ca-certificates)
    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/goxec-rootfs.XXXXXX")
    # shellcheck disable=SC2064 # expand now: dir is local
    trap "rm -rf '$dir'" EXIT
    local start=$SECONDS
    build_step rootfs "$LOGS/images-rootfs.log" bash -c '
        set -euo pipefail
        debootstrap --variant=minbase "${@:5}" "$1" "$2/fs" "$3"
        # Prune before the import: removing files in a later layer saves nothing.
        cd "$2/fs"
        rm -rf var/cache/apt/* var/lib/apt/lists/* var/log/apt/* var/log/dpkg.log \
            usr/share/man/* usr/share/info/* usr/share/locale/* usr/share/lintian/*
        find usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
        find usr/share/doc -mindepth 1 -type d -empty -delete
        cd - >/dev/null
        tar --numeric-owner -C "$2/fs" --exclude="./dev/*" --exclude="./proc/*" \
            --exclude="./sys/*" -c . |
            docker import --change "CMD [\"/bin/bash\"]" \
                --message "debootstrap --variant=minbase $1" - "$4"
    ' _ "$SUITE" "$dir" "$mirror" "$ROOTFS_IMAGE" "${include[@]}"
    rm -rf "$dir"
    trap - EXIT
    status rootfs "built in $((SECONDS - start)) s"
}

build_base() {
    local hash
    hash=$(sha256sum "$RUNTIMES/base/Dockerfile" | cut -c1-12)
    if [[ $(label "$BASE_IMAGE" goxec.definition) == "$hash" ]]; then
        status base cached; return
    fi
    build_rootfs
    local start=$SECONDS
    build_step base "$LOGS/images-base.log" \
        docker build --label goxec.definition="$hash" -t "$BASE_IMAGE" "$RUNTIMES/base"
    status base "built in $((SECONDS - start)) s"
}

# The context provider a language names in its `context` file, if any.
context_provider() {
    [[ -f $RUNTIMES/$1/context ]] || return 0
    local name
    name=$(tr -d '[:space:]' <"$RUNTIMES/$1/context")
    [[ -x $ROOT/scripts/context/$name.sh ]] ||
        die "runtimes/$1/context names '$name', but scripts/context/$name.sh is missing"
    printf '%s\n' "$ROOT/scripts/context/$name.sh"
}

# First 12 hex of sha256 over what makes the image: the language folder's files
# (sorted; name and content) but for tests/ (programs the test suite runs) and
# runtime.yaml, of which only the version command counts (it makes the label;
# compile and run commands, names and ids are read by Goxec, not built in);
# the base Dockerfile; and, with a context provider, the provider script and
# its fingerprint (what it copies from the host).
definition_hash() {
    local provider
    provider=$(context_provider "$1")
    {
        (cd "$RUNTIMES/$1" && find . -type f -not -path "./tests/*" -not -name runtime.yaml -print0 |
            LC_ALL=C sort -z | xargs -0 -r sha256sum)
        grep '^version:' "$RUNTIMES/$1/runtime.yaml"
        (cd "$RUNTIMES" && sha256sum base/Dockerfile)
        if [[ -n $provider ]]; then sha256sum "$provider"; "$provider" fingerprint; fi
    } | sha256sum | cut -c1-12
}

# build_context ID: the directory to build from — the language folder, or with a
# provider a copy of it (tests left out) plus the provider's files. A provider
# fills its files once per fingerprint; each language gets hard links to them.
build_context() {
    local id=$1 provider
    provider=$(context_provider "$id")
    if [[ -z $provider ]]; then printf '%s\n' "$RUNTIMES/$id"; return; fi
    local name key shared=$ROOT/.goxec/contexts context=$ROOT/.goxec/contexts/$id
    name=$(basename "$provider" .sh)
    key=$({ sha256sum "$provider"; "$provider" fingerprint; } | sha256sum | cut -c1-12)
    if [[ ! -d $shared/$name-$key ]]; then
        rm -rf "$shared/$name-$key.tmp"
        mkdir -p "$shared/$name-$key.tmp"
        "$provider" fill "$shared/$name-$key.tmp" >&2
        mv "$shared/$name-$key.tmp" "$shared/$name-$key"
        # Fills for other fingerprints would only take disk space.
        find "$shared" -mindepth 1 -maxdepth 1 -name "$name-*" ! -name "$name-$key" -exec rm -rf {} +
    fi
    rm -rf "$context"
    mkdir -p "$context"
    cp -al "$shared/$name-$key/." "$context/"
    (cd "$RUNTIMES/$id" && find . -mindepth 1 -maxdepth 1 ! -name tests -exec cp -r {} "$context/" \;)
    printf '%s\n' "$context"
}

# shellcheck source=lib/yaml.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/yaml.sh"

# build_language ID: builds or reuses one image and prints one result line,
# "<id>\t<cached|built|FAILED>\t<detail>". Never stops the script: the other
# lanes go on, the summary lists failures.
build_language() {
    local id=$1 dir=$RUNTIMES/$1 hash image log
    hash=$(definition_hash "$id")
    image=goxec/runtime-$id
    log=$LOGS/images-$id.log

    if [[ -n $(label "$image:$hash" goxec.version) ]]; then
        # Reused; make sure :latest points at this definition.
        [[ $(label "$image:latest" goxec.definition) == "$hash" ]] ||
            docker tag "$image:$hash" "$image:latest"
        printf '%s\tcached\t%s\n' "$id" "$(label "$image:$hash" goxec.version)"
        return
    fi

    local version_cmd=()
    mapfile -t version_cmd < <(yaml_list "$dir/runtime.yaml" version)
    if (( ${#version_cmd[@]} == 0 )); then
        printf '%s\tFAILED\truntime.yaml: version: must be a one-line list, e.g. [python3, --version]\n' "$id"
        return
    fi

    printf '%s\tstarted\t\n' "$id"
    local start=$SECONDS context
    if ! context=$(build_context "$id" 2>"$log") ||
        ! DOCKER_BUILDKIT=0 nice -n 10 docker build -t "$image:$hash" "$context" >>"$log" 2>&1; then
        printf '%s\tFAILED\tsee %s\n' "$id" "${log#"$ROOT"/}"
        return
    fi
    local version
    version=$(docker run --rm --network none --user 1000:1000 "$image:$hash" "${version_cmd[@]}" 2>&1 |
        head -n 1 | tr -d '\r') || true
    if [[ -z $version ]]; then
        printf '%s\tFAILED\t`%s` printed nothing in %s\n' "$id" "${version_cmd[*]}" "$image:$hash"
        return
    fi
    if ! printf 'FROM %s\n' "$image:$hash" | DOCKER_BUILDKIT=0 docker build -q \
        --label goxec.language="$id" --label goxec.definition="$hash" \
        --label goxec.version="$version" -t "$image:$hash" -t "$image:latest" - >>"$log" 2>&1; then
        printf '%s\tFAILED\tlabelling %s failed; see %s\n' "$id" "$image:$hash" "${log#"$ROOT"/}"
        return
    fi
    printf '%s\tbuilt\tin %d s (%s)\n' "$id" "$((SECONDS - start))" "$version"

    # Older definitions of this language would only take disk space.
    local tag
    for tag in $(docker image ls "$image" --format '{{.Tag}}'); do
        [[ $tag == "$hash" || $tag == latest ]] || docker rmi "$image:$tag" >/dev/null 2>&1 || true
    done
}

# lane_key ID: the first instruction after FROM, whitespace-normalised (comments
# and continuation lines joined); languages with the same key share that layer.
lane_key() {
    awk '/^[ \t]*#/ { next }
         { line = line " " $0 }
         /\\[ \t]*$/ { sub(/\\[ \t]*$/, "", line); next }
         { if (line ~ /^[ \t]*FROM[ \t]/) { line = ""; next }
           if (line ~ /[^ \t]/) { gsub(/[ \t]+/, " ", line); print line; exit } }' "$RUNTIMES/$1/Dockerfile" |
        sha256sum | cut -c1-12
}

# lanes ID...: one line per lane, its ids space-separated, longest lane first
# (it bounds the total time).
lanes() {
    local id
    for id in "$@"; do printf '%s %s\n' "$(lane_key "$id")" "$id"; done |
        awk '{ ids[$1] = ids[$1] " " $2; n[$1]++ }
             END { for (k in ids) print n[k] ids[k] }' |
        sort -rn | cut -d' ' -f2-
}

# disk_usage IMAGE...: bytes the images take together, each layer counted once.
disk_usage() {
    local image
    for image in "$@"; do
        docker history --no-trunc --human=false --format '{{.ID}}\t{{.Size}}\t{{.CreatedBy}}' "$image" 2>/dev/null
    done | awk -F'\t' '$2 > 0 { key = ($1 == "<missing>") ? $2 "|" $3 : $1; if (!(key in seen)) { seen[key] = 1; total += $2 } }
                       END { printf "%.0f\n", total }'
}

human() { awk -v b="$1" 'BEGIN { split("B KB MB GB TB", u); i = 1; while (b >= 1000 && i < 5) { b /= 1000; i++ } printf (i == 1 ? "%d %s" : "%.1f %s"), b, u[i] }'; }

# ---- main ------------------------------------------------------------------

main() {
    local all=0 ids=() arg jobs
    jobs=$(default_jobs)
    while (( $# > 0 )); do
        arg=$1; shift
        case $arg in
            --all) all=1 ;;
            --jobs) jobs=${1:-}; shift || true
                    [[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number" ;;
            --jobs=*) jobs=${arg#--jobs=}; [[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number" ;;
            --build-lane) build_lane "$@"; return ;;
            -h|--help) usage; exit 0 ;;
            -*) usage >&2; die "unknown option $arg" ;;
            *) ids+=("$arg") ;;
        esac
    done
    if (( all )); then mapfile -t ids < <(all_languages)
    elif (( ${#ids[@]} == 0 )); then ids=("${CORE_LANGUAGES[@]}"); fi

    local id
    for id in "${ids[@]}"; do
        [[ $id != base && -d $RUNTIMES/$id ]] ||
            die "unknown runtime '$id'; available: $(all_languages | tr '\n' ' ')"
        [[ -f $RUNTIMES/$id/Dockerfile && -f $RUNTIMES/$id/runtime.yaml ]] ||
            die "runtimes/$id needs a Dockerfile and a runtime.yaml"
    done

    check_docker
    mkdir -p "$LOGS"
    build_base

    local total=${#ids[@]} done=0 built=0 failed=() start=$SECONDS status detail
    (( jobs > total )) && jobs=$total
    (( total > 1 )) && printf 'building %d images, %d at a time\n' "$total" "$jobs"
    local building=()
    while IFS=$'\t' read -r id status detail; do
        if [[ $status == started ]]; then
            building+=("$id")
            if (( TTY )); then printf '\r\033[Kbuilding %s… (%d/%d done)' "${building[*]}" "$done" "$total"
            else status "$id" "building…"; fi
            continue
        fi
        local rest=() b
        for b in "${building[@]}"; do [[ $b == "$id" ]] || rest+=("$b"); done
        building=("${rest[@]}")
        done=$((done + 1))
        case $status in
            built) built=$((built + 1)) ;;
            FAILED) failed+=("$id") ;;
        esac
        status "$id" "$(printf '[%*d/%d] %s %s' "${#total}" "$done" "$total" "$status" "$detail")"
        (( TTY && ${#building[@]} > 0 )) && printf 'building %s… (%d/%d done)' "${building[*]}" "$done" "$total"
    done < <(lanes "${ids[@]}" | xargs -P "$jobs" -L 1 bash "${BASH_SOURCE[0]}" --build-lane)

    # Untagged images of ours (a replaced base or definition, once nothing is built on it).
    (( built )) && docker image prune -f --filter label=goxec.definition >/dev/null
    local images=()
    for id in "${ids[@]}"; do image_exists "goxec/runtime-$id:latest" && images+=("goxec/runtime-$id:latest"); done
    printf '%d images (%d built, %d reused, %d failed) in %d s; on disk together: %s (shared layers counted once)\n' \
        "$total" "$built" "$((total - built - ${#failed[@]}))" "${#failed[@]}" "$((SECONDS - start))" \
        "$(human "$(disk_usage "${images[@]}")")"
    if (( ${#failed[@]} > 0 )); then
        for id in "${failed[@]}"; do
            printf '\nerror: building %s failed. Last 20 lines of %s:\n' "$id" ".goxec/logs/images-$id.log" >&2
            tail -n 20 "$LOGS/images-$id.log" 2>/dev/null | plain | sed 's/^/  | /' >&2
        done
        exit 1
    fi
    return 0
}

# build_lane ID...: builds the ids one after another (xargs runs lanes side by side).
build_lane() {
    local id
    for id in "$@"; do build_language "$id"; done
}

main "$@"
