#!/usr/bin/env bash
# Consumer test: what someone with only the packages and the README gets.
#   1. packs Rgsud, Rgsud.Core, Rgsud.Rewards, Rgsud.Networks and the Rgsud.Cli tool into a temporary local feed, with
#      a version of its own (so no stale copy in the NuGet cache can stand in for the fresh packages), and checks
#      their metadata (readme, licence, repository, symbols, dependencies);
#   2. creates a fresh console app outside the repository, `dotnet add package Rgsud` from that feed (plus the normal
#      source), pastes the C# block between README.md's quick-start markers as Program.cs, builds it with warnings as
#      errors, runs it and checks its output and derained.png; every package it restored must be in
#      scripts/allowed-packages.txt (or be one of ours);
#   3. installs the tool from the feed (`dotnet tool install --tool-path`), runs `rgsud --help`, and `rgsud eval` on
#      the quick-start's image (which loads libtorch from the tool package).
#
#   scripts/consumer-test.sh [--no-build]    (--no-build: the Release build of the solution is already there)
#
# About 3-5 minutes on two cores. Environment: RGSUD_SKIP_CONSUMER_TEST=1 skips it (scripts/test.sh calls it);
# RGSUD_KEEP_CONSUMER=1 keeps the temporary folder for a look. Needs the package source that restores the solution.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${RGSUD_SKIP_CONSUMER_TEST:-}" = "1" ]; then
  echo "consumer test: skipped (RGSUD_SKIP_CONSUMER_TEST=1)"
  exit 0
fi
no_build=false
[ "${1:-}" = "--no-build" ] && no_build=true

bash scripts/ensure-native.sh
command -v dotnet >/dev/null || { echo "rgsud: the .NET 10 SDK is required (https://dot.net)." >&2; exit 3; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# libtorch's OpenMP threads spin while they wait: on a busy 2-core machine one thread is several times faster.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

started=$(date +%s)
step() { echo "consumer test [$(( $(date +%s) - started )) s]: $*"; }
fail() { echo "rgsud: consumer test FAILED: $*" >&2; exit 1; }
# Runs a command quietly; on failure shows its output and fails with the given message.
run_quiet() {
  local what="$1"; shift
  if ! "$@" > "$work/last.log" 2>&1; then
    tail -n 60 "$work/last.log" >&2
    fail "$what (command: $*)"
  fi
}

base_version="$(dotnet msbuild src/Rgsud/Rgsud.csproj -getProperty:Version -nologo | tr -d '[:space:]')"
version="${base_version}-consumer.$(date -u +%Y%m%d%H%M%S).$$"
rid="$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')"
cache="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')"
work="$(mktemp -d "${TMPDIR:-/tmp}/rgsud-consumer.XXXXXX")"
feed="$work/feed"
ours=(rgsud rgsud.core rgsud.rewards rgsud.networks rgsud.cli "rgsud.cli.$rid")
cleanup() {
  local p
  for p in "${ours[@]}"; do
    rm -rf "${cache%/}/$p/$version"
    rmdir "${cache%/}/$p" 2>/dev/null || true
  done
  if [ "${RGSUD_KEEP_CONSUMER:-}" = "1" ]; then echo "consumer test: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The app must not pick up any MSBuild or NuGet settings from folders above it.
dir="$work"
while [ "$dir" != "/" ]; do
  dir="$(dirname "$dir")"
  for f in Directory.Build.props Directory.Build.targets Directory.Packages.props global.json; do
    [ -e "$dir/$f" ] && fail "$dir/$f would leak into the consumer app: set TMPDIR to a clean folder"
  done
done

# --- 1. pack ---------------------------------------------------------------------------------------------------------
step "packing $version into $feed"
if ! $no_build; then
  run_quiet "building the packages' projects" dotnet build src/Rgsud/Rgsud.csproj -c Release -nologo -v quiet
fi
for project in Rgsud.Core Rgsud.Rewards Rgsud.Networks Rgsud; do
  run_quiet "dotnet pack $project" dotnet pack "src/$project/$project.csproj" -c Release --no-build -o "$feed" \
    -p:PackageVersion="$version" -nologo -v quiet
done
tool=true
case "$rid" in
  linux-x64|win-x64|osx-arm64)
    step "packing the tool for $rid (libtorch for CPU: about 130 MB)"
    run_quiet "dotnet pack Rgsud.Cli" dotnet pack src/Rgsud.Cli/Rgsud.Cli.csproj -c Release -o "$feed" \
      -p:PackageVersion="$version" -p:ToolPackageRuntimeIdentifiers="$rid" -nologo -v quiet ;;
  *)
    tool=false
    echo "consumer test: the tool is packed for linux-x64, win-x64 and osx-arm64 only (TorchSharp-cpu's platforms), not $rid: tool part skipped" ;;
esac

python3 - "$feed" "$version" "$rid" "$tool" <<'PY' || fail "the packages' contents or metadata (see above)"
import pathlib, re, sys, zipfile
feed, version, rid, tool = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "true"
errors = []
def nuspec(pkg):
    with zipfile.ZipFile(pkg) as z:
        name = next(n for n in z.namelist() if n.endswith(".nuspec"))
        return z.read(name).decode("utf-8-sig"), set(z.namelist())
def check(id_, deps, files, symbols, package_type=None):
    pkg = feed / f"{id_}.{version}.nupkg"
    if not pkg.exists():
        errors.append(f"{pkg.name} was not produced"); return
    spec, names = nuspec(pkg)
    for what, pattern in [("licence expression MIT", r'<license type="expression">MIT</license>'),
                          ("readme", r"<readme>README.md</readme>"),
                          ("repository", r'<repository type="git" url="https?://[^"]+"'),
                          ("description", r"<description>[^<]{20,}</description>"),
                          ("tags", r"<tags>[^<]*rgsud[^<]*</tags>")]:
        if not re.search(pattern, spec): errors.append(f"{pkg.name}: no {what} in the nuspec")
    if "README.md" not in names: errors.append(f"{pkg.name}: README.md is not in the package")
    found = dict(re.findall(r'<dependency id="([^"]+)" version="([^"]+)"', spec))
    if set(found) != set(deps):
        errors.append(f"{pkg.name}: dependencies {sorted(found)}, expected {sorted(deps)}")
    for d, v in deps.items():
        if v and found.get(d) not in (v, f"[{v}]"): errors.append(f"{pkg.name}: depends on {d} {found.get(d)}, expected {v}")
    for f in files:
        if not any(re.fullmatch(f, n) for n in names): errors.append(f"{pkg.name}: nothing matches {f}")
    if package_type and f'<packageType name="{package_type}"' not in spec:
        errors.append(f"{pkg.name}: package type {package_type} missing")
    snupkg = feed / f"{id_}.{version}.snupkg"
    if symbols:
        if not snupkg.exists(): errors.append(f"{snupkg.name} (symbols) was not produced")
        elif f"lib/net10.0/{id_}.pdb" not in zipfile.ZipFile(snupkg).namelist(): errors.append(f"{snupkg.name}: no {id_}.pdb")
    print(f"  {pkg.name}: {pkg.stat().st_size / 1e6:.1f} MB, dependencies {', '.join(sorted(found)) or '-'}")
ext = "10.0.0"
check("Rgsud.Core", {"TorchSharp": "0.107.0", "SixLabors.ImageSharp": "2.1.13",
      "Microsoft.Extensions.DependencyInjection.Abstractions": ext, "Microsoft.Extensions.Logging.Abstractions": ext,
      "Microsoft.Extensions.Options": ext, "Microsoft.Extensions.Options.ConfigurationExtensions": ext,
      "TorchSharp.PyBridge": "1.4.4"},
      [r"lib/net10\.0/Rgsud\.Core\.dll", r"lib/net10\.0/Rgsud\.Core\.xml"], True)
for lib in ("Rgsud.Rewards", "Rgsud.Networks"):
    check(lib, {"Rgsud.Core": version, "TorchSharp": "0.107.0"}, [rf"lib/net10\.0/{lib}\.dll", rf"lib/net10\.0/{lib}\.xml"], True)
check("Rgsud", {"Rgsud.Core": version, "Rgsud.Rewards": version, "Rgsud.Networks": version, "TorchSharp-cpu": "0.107.0"}, [], False)
if tool:
    check("Rgsud.Cli", {}, [r"tools/any/any/DotnetToolSettings\.xml"], False, "DotnetTool")
    check(f"Rgsud.Cli.{rid}", {}, [rf"tools/net10\.0/{rid}/rgsud\.dll", rf"tools/net10\.0/{rid}/(lib)?torch_cpu\.(so|dll|dylib)"], False, "DotnetToolRidPackage")
for e in errors: print("rgsud: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

# --- 2. a fresh console app with the README's quick-start ------------------------------------------------------------
app="$work/app"
mkdir -p "$app"
cd "$app"
step "dotnet new console in $app; dotnet add package Rgsud --version $version"
run_quiet "dotnet new console" dotnet new console --framework net10.0 --name QuickStartConsumer --output .
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <!-- The freshly packed packages; the sources of the user's NuGet configuration stay. -->
    <add key="rgsud-consumer-feed" value="$feed" />
  </packageSources>
</configuration>
XML
run_quiet "dotnet add package Rgsud" dotnet add package Rgsud --version "$version"

awk '/<!-- quickstart:start -->/ {on=1; next} /<!-- quickstart:end -->/ {on=0} on' "$root/README.md" > quickstart.md
[ "$(head -n 1 quickstart.md)" = '```csharp' ] && [ "$(tail -n 1 quickstart.md)" = '```' ] \
  || fail "README.md has no \`\`\`csharp block between <!-- quickstart:start --> and <!-- quickstart:end -->"
sed '1d;$d' quickstart.md > Program.cs
rm quickstart.md
step "building the README quick-start ($(wc -l < Program.cs) lines) with warnings as errors"
# Hard links instead of copies of libtorch (about 1 GB for every platform) into bin/: saves disk and time only.
run_quiet "the README quick-start does not compile against the packages" \
  dotnet build -c Release -nologo -v quiet -warnaserror -p:CreateHardLinksForCopyLocalIfPossible=true

step "running it"
set +e
timeout 300 dotnet run -c Release --no-build > run.log 2>&1
code=$?
set -e
sed 's/^/  | /' run.log
[ "$code" -eq 0 ] || fail "the quick-start exited with $code"
grep -Eq '^trained 8 steps \(stage 2 from step 4\), reward bank [0-9]+/8 filled$' run.log \
  || fail "the quick-start did not print 'trained 8 steps (stage 2 from step 4), reward bank N/8 filled'"
grep -qx 'derained.png: 64x64' run.log || fail "the quick-start did not print 'derained.png: 64x64'"
[ "$(head -c 8 derained.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "derained.png is missing or not a PNG"

dotnet list package --include-transitive --format json > "$work/app-packages.json" 2> "$work/last.log" \
  || { cat "$work/last.log" >&2; fail "dotnet list package in the consumer app"; }
python3 - "$work/app-packages.json" "$root/scripts/allowed-packages.txt" <<'PY' || fail "the consumer app restored packages outside the declared set"
import json, sys
listing = json.load(open(sys.argv[1]))
allowed = {tuple(l.split()) for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")}
allowed = {(i.lower(), v) for i, v in allowed}
ours = {"rgsud", "rgsud.core", "rgsud.rewards", "rgsud.networks"}
used = {(p["id"], p["resolvedVersion"]) for pr in listing["projects"] for fw in pr.get("frameworks", [])
        for k in ("topLevelPackages", "transitivePackages") for p in fw.get(k, [])}
extra = sorted(t for t in used if t[0].lower() not in ours and (t[0].lower(), t[1]) not in allowed)
for i, v in extra: print(f"rgsud: the consumer app restored {i} {v}, which is not in scripts/allowed-packages.txt", file=sys.stderr)
print(f"  the consumer app restored {len(used)} packages, all declared")
sys.exit(1 if extra else 0)
PY

# --- 3. the tool -----------------------------------------------------------------------------------------------------
if $tool; then
  cd "$work"
  step "dotnet tool install --tool-path $work/tools Rgsud.Cli --version $version"
  run_quiet "dotnet tool install Rgsud.Cli" dotnet tool install --tool-path "$work/tools" Rgsud.Cli --version "$version" --add-source "$feed"
  set +e
  "$work/tools/rgsud" --help > help.log 2>&1
  code=$?
  set -e
  sed 's/^/  | /' help.log
  [ "$code" -eq 0 ] || fail "rgsud --help exited with $code"
  for command in train derain eval score; do
    grep -Eq "^ +$command " help.log || fail "rgsud --help does not list the '$command' command"
  done
  # eval decodes with libtorch: proves the tool package carries a working native runtime.
  mkdir -p pred gt
  cp "$app/derained.png" pred/
  python3 - gt/derained.png <<'PY'
import struct, sys, zlib
w = h = 64
raw = b"".join(b"\x00" + bytes([128, 128, 128]) * w for _ in range(h))
chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
  run_quiet "rgsud eval with the installed tool" "$work/tools/rgsud" eval --pred pred --gt gt --json eval.json
  python3 -c 'import json,math,sys; p=json.load(open("eval.json"))["mean"]["psnr"]; sys.exit(0 if math.isfinite(p) and p > 0 else 1)' \
    || fail "rgsud eval wrote no finite mean PSNR to eval.json"
  echo "  rgsud eval: mean PSNR $(python3 -c 'import json; print(round(json.load(open("eval.json"))["mean"]["psnr"], 2))') dB"
fi

step "passed (packages $version: README quick-start built and run from the feed$($tool && echo ', tool installed and run'))"
