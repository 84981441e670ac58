#!/usr/bin/env bash
# Builds Goxec's runtime images from runtimes/ (called as `./goxec images`).
#
#   scripts/images.sh [--all] [id...]
#
# goxec/rootfs:bookworm  debootstrap minbase, imported (built only when missing)
# goxec/base:bookworm    runtimes/base/Dockerfile (rebuilt when it changes)
# goxec/runtime-<id>:<hash> and :latest, <hash> = definition hash (see
#                        definition_hash), labelled goxec.language,
#                        goxec.definition and goxec.version.
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
BUILT=0

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<EOF
usage: scripts/images.sh [--all] [id...]

Builds the runtime images. Without ids: the core set (${CORE_LANGUAGES[*]}).
  --all   every language under runtimes/
Available: $(all_languages | tr '\n' ' ')
EOF
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
    if (( TTY )); then printf '\r\033[K%-12s %s\n' "$1" "$2"
    else printf '%-12s %s\n' "$1" "$2"; fi
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

# First 12 hex of sha256 over the language folder's files (sorted; name and
# content) plus the base Dockerfile.
definition_hash() {
    {
        # tests/ holds programs the test suite runs; they never enter the image.
        (cd "$RUNTIMES/$1" && find . -type f -not -path "./tests/*" -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
        (cd "$RUNTIMES" && sha256sum base/Dockerfile)
    } | sha256sum | cut -c1-12
}

# shellcheck source=lib/yaml.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/yaml.sh"

build_language() {
    local id=$1 dir=$RUNTIMES/$1 hash image log
    [[ -f $dir/Dockerfile && -f $dir/runtime.yaml ]] ||
        die "runtimes/$id needs a Dockerfile and a runtime.yaml"
    hash=$(definition_hash "$id")
    image=goxec/runtime-$id
    log=$LOGS/images-$id.log

    if [[ -n $(label "$image:$hash" goxec.version) ]]; then
        # Reused; make sure :latest points at this definition.
        [[ $(label "$image:latest" goxec.definition) == "$hash" ]] ||
            docker tag "$image:$hash" "$image:latest"
        status "$id" cached
        return
    fi

    local version_cmd=()
    mapfile -t version_cmd < <(yaml_list "$dir/runtime.yaml" version)
    (( ${#version_cmd[@]} > 0 )) ||
        die "runtimes/$id/runtime.yaml: 'version:' must be a one-line list, e.g. [python3, --version]"

    local start=$SECONDS
    build_step "$id" "$log" docker build -t "$image:$hash" "$dir"
    local version
    version=$(docker run --rm --network none --user 1000:1000 "$image:$hash" "${version_cmd[@]}" 2>&1 |
        head -n 1 | tr -d '\r') || true
    [[ -n $version ]] || {
        status "$id" FAILED
        die "runtime $id: \`${version_cmd[*]}\` printed nothing in $image:$hash"
    }
    printf 'FROM %s\n' "$image:$hash" | docker build -q \
        --label goxec.language="$id" --label goxec.definition="$hash" \
        --label goxec.version="$version" -t "$image:$hash" -t "$image:latest" - >>"$log" 2>&1 ||
        { status "$id" FAILED; die "labelling $image:$hash failed; see ${log#"$ROOT"/}"; }
    status "$id" "built in $((SECONDS - start)) s  ($version)"
    BUILT=1

    # Older definitions of this language would only take disk space.
    local tag
    for tag in $(docker image ls "$image" --format '{{.Tag}}'); do
        [[ $tag == "$hash" || $tag == latest ]] || docker rmi "$image:$tag" >/dev/null 2>&1 || true
    done
}

# ---- main ------------------------------------------------------------------

main() {
    local all=0 ids=() arg
    for arg in "$@"; do
        case $arg in
            --all) all=1 ;;
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
    done

    check_docker
    mkdir -p "$LOGS"
    build_base
    for id in "${ids[@]}"; do build_language "$id"; done
    # Untagged images of ours (a replaced base, once nothing is built on it).
    (( BUILT )) && docker image prune -f --filter label=goxec.definition >/dev/null
    return 0
}

main "$@"
