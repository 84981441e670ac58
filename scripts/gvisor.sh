#!/usr/bin/env bash
# gVisor for Goxec's stronger isolation tier: installs runsc (Debian's package) when it is missing and
# registers it with the local Docker daemon as the runtime "runsc" on the ptrace platform (no KVM needed) with
# gVisor's own network off (jobs have none; runsc also refuses Docker's "none" network namespace here).
# The daemon is reloaded with SIGHUP, which re-reads daemon.json's runtimes; it is never restarted, so
# running containers are not disturbed. Safe to run again: it changes nothing once runsc is registered.
#   GOXEC_GVISOR_PLATFORM  ptrace (default) or kvm where /dev/kvm exists
#   DOCKER_DAEMON_CONFIG   the daemon's config file (/etc/docker/daemon.json)
set -euo pipefail
PLATFORM=${GOXEC_GVISOR_PLATFORM:-ptrace}
CONFIG=${DOCKER_DAEMON_CONFIG:-/etc/docker/daemon.json}
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'goxec: %s\n' "$*" >&2; exit 1; }
ARGS='["--platform='"$PLATFORM"'","--network=none"]'
# Registered with exactly these arguments (docker info shows the daemon's live configuration).
registered() { docker info --format '{{json .Runtimes.runsc}}' 2>/dev/null | grep -qF "\"runtimeArgs\":$ARGS"; }

sudo=""
[ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null && sudo="sudo"; }

if ! command -v runsc >/dev/null; then
  command -v apt-get >/dev/null || die "gVisor's runsc is missing; install it (https://gvisor.dev/docs/user_guide/install/) and re-run."
  say "installing gVisor (apt: runsc)"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=900 runsc >&2 \
    || { $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=900 runsc >&2; } \
    || die "apt-get install runsc failed"
fi
RUNSC=$(command -v runsc)

registered && exit 0
say "registering runsc ($PLATFORM platform) with the Docker daemon in $CONFIG and reloading it (SIGHUP; running containers are untouched)"
# Merged into whatever the file holds already (node is a prerequisite of Goxec; python may not be there).
$sudo mkdir -p "$(dirname "$CONFIG")"
merged=$({ $sudo cat "$CONFIG" 2>/dev/null || true; } | node -e '
  let text = require("fs").readFileSync(0, "utf8").trim();
  const config = text ? JSON.parse(text) : {};
  config.runtimes = config.runtimes || {};
  config.runtimes.runsc = { path: process.argv[1], runtimeArgs: JSON.parse(process.argv[2]) };
  process.stdout.write(JSON.stringify(config, null, 2) + "\n");' "$RUNSC" "$ARGS") || die "$CONFIG is not valid JSON; fix it and re-run."
printf '%s' "$merged" | $sudo tee "$CONFIG.goxec-new" >/dev/null && $sudo mv "$CONFIG.goxec-new" "$CONFIG"

pid=$(pidof dockerd || true)
[ -n "$pid" ] || die "no dockerd is running to reload"
$sudo kill -HUP $pid
for _ in $(seq 1 50); do registered && exit 0; sleep 0.2; done
die "the Docker daemon did not pick up runsc after a reload; see its log (journalctl -u docker) and $CONFIG"
