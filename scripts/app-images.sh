#!/usr/bin/env bash
# Builds the app images locally (called as `./goxec images --apps`); no registry is involved.
#
#   goxec/api:<hash>     self-contained `dotnet publish` of src/Goxec.Api + the built web app
#   goxec/worker:<hash>  self-contained `dotnet publish` of src/Goxec.Worker
#   goxec/redis:<hash>   Debian's redis-server
# all FROM goxec/base:bookworm (built by scripts/images.sh). <hash> is the content hash of the
# image's build context and its base image id, so an unchanged app keeps its tag. Each image is
# also tagged :latest. The tags land in .goxec/app-images/tags.env (IMAGE=IMAGE:TAG lines), which
# `./goxec publish` hands to the AppHost (--image-tags).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$ROOT/.goxec/app-images
LOGS=$ROOT/.goxec/logs
BASE_IMAGE=goxec/base:bookworm
mkdir -p "$WORK" "$LOGS"

die() { printf 'app-images: %s\n' "$*" >&2; exit 1; }
say() { printf '%-12s %s\n' "$1" "$2"; }

docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || bash "$ROOT/scripts/images.sh" >&2
BASE_ID=$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE")

# publish NAME PROJECT: a self-contained linux-x64 build into the context's app/ folder.
publish() {
    local name=$1 project=$2 context=$WORK/$1
    rm -rf "$context" && mkdir -p "$context"
    say "$name" "dotnet publish (self-contained)"
    dotnet publish "$ROOT/$project" -c Release -r linux-x64 --self-contained -m:1 -nologo \
        -p:DebugType=none -o "$context/app" >"$LOGS/app-$name.log" 2>&1 \
        || { tail -n 20 "$LOGS/app-$name.log" >&2; die "publishing $project failed; see $LOGS/app-$name.log"; }
}

# build NAME: docker build of deploy/images/NAME.Dockerfile over WORK/NAME, tagged by content.
build() {
    local name=$1 context=$WORK/$1 image=goxec/$1 hash
    mkdir -p "$context"
    cp "$ROOT/deploy/images/$name.Dockerfile" "$context/Dockerfile"
    hash=$( { printf '%s\n' "$BASE_ID"; cd "$context" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-12)
    if docker image inspect "$image:$hash" >/dev/null 2>&1; then
        say "$name" "up to date ($image:$hash)"
    else
        say "$name" "docker build"
        docker build -t "$image:$hash" "$context" >"$LOGS/app-image-$name.log" 2>&1 \
            || { tail -n 20 "$LOGS/app-image-$name.log" >&2; die "building $image failed; see $LOGS/app-image-$name.log"; }
        say "$name" "built $image:$hash"
    fi
    docker tag "$image:$hash" "$image:latest"
    printf '%s=%s\n' "$image" "$image:$hash" >>"$WORK/tags.env.new"
}

rm -f "$WORK/tags.env.new"
if [[ ! -f $ROOT/src/Goxec.Web/dist/index.html ]]; then
    say web "npm run build"
    ( cd "$ROOT/src/Goxec.Web" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build --silent ) \
        >"$LOGS/app-web.log" 2>&1 || die "the web app did not build; see $LOGS/app-web.log"
fi
publish api src/Goxec.Api
cp -r "$ROOT/src/Goxec.Web/dist" "$WORK/api/web"
build api
publish worker src/Goxec.Worker
build worker
build redis
mv "$WORK/tags.env.new" "$WORK/tags.env"
cat "$WORK/tags.env"
