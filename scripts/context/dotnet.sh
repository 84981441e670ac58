#!/usr/bin/env bash
# Build context for the .NET languages (csharp-dotnet, fsharp, vbnet): the host's .NET 10 SDK, the
# one that builds Goxec, copied into the image, so nothing is downloaded. Only what running and
# compiling needs goes in: the host (muxer, hostfxr), the Microsoft.NETCore.App runtime, its
# reference assemblies, and the compilers (Roslyn's csc/vbc, fsc with FSharp.Core) — no MSBuild,
# NuGet, templates or workloads.
#
#   scripts/context/dotnet.sh fingerprint   the versions copied (part of the images' definition hash)
#   scripts/context/dotnet.sh fill DIR      writes DIR/dotnet/ (the same bytes for all three images,
#                                           so their COPY layer is one layer on disk)
#
# Layout of DIR/dotnet (→ /usr/lib/dotnet in the image):
#   dotnet host/ shared/   the runtime, as in any .NET install
#   ref/*.dll              Microsoft.NETCore.App's reference assemblies (what programs compile against)
#   roslyn/                csc.dll and vbc.dll (the SDK's Roslyn bincore)
#   fsharp/                fsc.dll and FSharp.Core.dll
#   goxec/                 app.runtimeconfig.json (runs any compiled program), refs.rsp (-r: per assembly)
set -euo pipefail

MAJOR=10

die() { printf 'dotnet context: %s\n' "$*" >&2; exit 1; }

# The newest directory name under $1 that starts with "$MAJOR.".
newest() {
    local dir=$1
    [[ -d $dir ]] || return 0
    find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$MAJOR.*" -printf '%f\n' | sort -V | tail -n 1
}

locate() {
    local exe
    exe=$(command -v dotnet) || die "no dotnet on PATH: the .NET $MAJOR SDK builds these images"
    ROOT=$(dirname "$(readlink -f "$exe")")
    SDK=$(newest "$ROOT/sdk")
    RUNTIME=$(newest "$ROOT/shared/Microsoft.NETCore.App")
    REF=$(newest "$ROOT/packs/Microsoft.NETCore.App.Ref")
    FXR=$(newest "$ROOT/host/fxr")
    [[ -n $SDK && -n $RUNTIME && -n $REF && -n $FXR ]] ||
        die "$ROOT has no complete .NET $MAJOR SDK (sdk '$SDK', runtime '$RUNTIME', ref pack '$REF', hostfxr '$FXR')"
}

fingerprint() {
    locate
    printf 'sdk %s runtime %s ref %s hostfxr %s layout 1\n' "$SDK" "$RUNTIME" "$REF" "$FXR"
}

# copy_top SRC DEST: the files directly in SRC (no satellite-language folders), minus what compiling
# and running never load (XML docs, PDBs).
copy_top() {
    mkdir -p "$2"
    find "$1" -mindepth 1 -maxdepth 1 -type f ! -name '*.xml' ! -name '*.pdb' -exec cp -p {} "$2/" \;
}

fill() {
    local out=$1/dotnet
    locate
    rm -rf "$out"
    mkdir -p "$out/host/fxr" "$out/shared/Microsoft.NETCore.App" "$out/goxec"
    cp -p "$ROOT/dotnet" "$ROOT/LICENSE.txt" "$ROOT/ThirdPartyNotices.txt" "$out/"
    cp -pr "$ROOT/host/fxr/$FXR" "$out/host/fxr/"
    cp -pr "$ROOT/shared/Microsoft.NETCore.App/$RUNTIME" "$out/shared/Microsoft.NETCore.App/"
    copy_top "$ROOT/packs/Microsoft.NETCore.App.Ref/$REF/ref/net$MAJOR.0" "$out/ref"
    copy_top "$ROOT/sdk/$SDK/Roslyn/bincore" "$out/roslyn"
    copy_top "$ROOT/sdk/$SDK/FSharp" "$out/fsharp"
    # The compilers ask for server GC (a heap per core); in a job's container workstation GC is the
    # right one. DOTNET_gcServer=0 in the images says so too; this keeps the files consistent.
    sed -i 's/"System.GC.Server": true/"System.GC.Server": false/' "$out"/roslyn/*.runtimeconfig.json "$out"/fsharp/*.runtimeconfig.json
    cat >"$out/goxec/app.runtimeconfig.json" <<JSON
{
  "runtimeOptions": {
    "tfm": "net$MAJOR.0",
    "framework": { "name": "Microsoft.NETCore.App", "version": "$RUNTIME" },
    "configProperties": { "System.GC.Server": false, "System.Globalization.Invariant": false }
  }
}
JSON
    (cd "$out/ref" && for f in *.dll; do printf -- '-r:/usr/lib/dotnet/ref/%s\n' "$f"; done) >"$out/goxec/refs.rsp"
    # Same bytes every time: the COPY layer of the three images is then one layer.
    find "$out" -exec touch -h -d '2000-01-01 00:00:00 UTC' {} +
}

case ${1:-} in
    fingerprint) fingerprint ;;
    fill) [[ -n ${2:-} ]] || die "usage: $0 fill DIR"; fill "$2" ;;
    *) die "usage: $0 fingerprint | fill DIR" ;;
esac
