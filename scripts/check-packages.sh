#!/usr/bin/env bash
# Package hygiene, run by scripts/test.sh after the tests (needs a restored solution):
#   1. every PackageReference has its version in Directory.Packages.props, none pins a version of its own, and no
#      version floats (*, ranges);
#   2. no package is restored outside the declared set: the ids and versions that `dotnet list package
#      --include-transitive` reports for the whole solution must all be in scripts/allowed-packages.txt;
#   3. `dotnet list package --vulnerable --include-transitive` must report nothing, and says whether it could know:
#      a source without NuGet's vulnerability resource (the package mirror used here has none) makes the answer
#      "unverified", never "clean". RGSUD_REQUIRE_VULNERABILITY_DATA=1 turns "unverified" into a failure.
#
#   scripts/check-packages.sh            check
#   scripts/check-packages.sh --update   rewrite scripts/allowed-packages.txt from the solution (review the diff)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
allow="scripts/allowed-packages.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0

# --- 1. central versions --------------------------------------------------------------------------------------------
python3 - "$root" <<'PY' || fail=1
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
skip = {"bin", "obj", ".git", "artifacts", "TestResults"}
files = [p for p in root.rglob("*") if p.suffix in {".csproj", ".props", ".targets"} and not skip & set(p.relative_to(root).parts)]
central = (root / "Directory.Packages.props").read_text()
versions = dict(re.findall(r'<PackageVersion\s+Include="([^"]+)"\s+Version="([^"]+)"', central))
errors = []
for name, version in versions.items():
    if re.search(r"[*\[\](),]", version):
        errors.append(f"Directory.Packages.props: {name} {version} is a floating version or a range: pin one version")
for f in files:
    text = f.read_text()
    for m in re.finditer(r"<PackageReference\b([^>]*)>", text):
        attrs = m.group(1)
        name = re.search(r'(?:Include|Update)="([^"]+)"', attrs)
        name = name.group(1) if name else "?"
        rel = f.relative_to(root)
        if re.search(r"\b(Version|VersionOverride)=", attrs):
            errors.append(f"{rel}: PackageReference {name} sets its own version: versions live in Directory.Packages.props")
        if "$(" not in name and "@(" not in name and name not in versions:
            errors.append(f"{rel}: PackageReference {name} has no PackageVersion in Directory.Packages.props")
for e in errors:
    print("rgsud: " + e, file=sys.stderr)
print(f"packages: {len(versions)} central versions, every PackageReference uses one" if not errors else "packages: central-version check failed")
sys.exit(1 if errors else 0)
PY

# --- 2. the restored set against the allowlist ----------------------------------------------------------------------
if ! dotnet list Rgsud.sln package --include-transitive --format json > "$work/list.json" 2> "$work/list.err"; then
  cat "$work/list.err" "$work/list.json" >&2
  echo "rgsud: 'dotnet list package' failed (is the solution restored? run dotnet restore Rgsud.sln)" >&2
  exit 1
fi
python3 - "$work/list.json" "$allow" "${1:-}" <<'PY' || fail=1
import json, pathlib, sys
listing, allow_path, mode = json.load(open(sys.argv[1])), pathlib.Path(sys.argv[2]), sys.argv[3]
problems = [p for p in listing.get("problems", []) if p.get("level") == "error"]
for p in problems:
    print(f"rgsud: dotnet list package: {p.get('project', '')} {p.get('text', '')}", file=sys.stderr)
used = {}
for project in listing["projects"]:
    for fw in project.get("frameworks", []):
        for kind in ("topLevelPackages", "transitivePackages"):
            for pkg in fw.get(kind, []):
                used.setdefault((pkg["id"], pkg["resolvedVersion"]), set()).add(pathlib.Path(project["path"]).stem)
key = lambda t: (t[0].lower(), t[1])
if mode == "--update":
    lines = ["# Every package (id version) that restoring Rgsud.sln may bring, direct or transitive.",
             "# scripts/check-packages.sh fails on anything else; regenerate with scripts/check-packages.sh --update",
             "# after a deliberate change to Directory.Packages.props, and review the diff."]
    lines += [f"{i} {v}" for i, v in sorted(used, key=key)]
    allow_path.write_text("\n".join(lines) + "\n")
    print(f"packages: wrote {allow_path} ({len(used)} packages)")
    sys.exit(0)
allowed = set()
for line in allow_path.read_text().splitlines():
    line = line.strip()
    if line and not line.startswith("#"):
        i, v = line.split()
        allowed.add((i.lower(), v))
extra = sorted((t for t in used if (t[0].lower(), t[1]) not in allowed), key=key)
for i, v in extra:
    print(f"rgsud: {i} {v} is restored (by {', '.join(sorted(used[(i, v)]))}) but not in {allow_path}", file=sys.stderr)
if extra:
    print(f"rgsud: {len(extra)} package(s) outside the declared set: if intended, run scripts/check-packages.sh --update and review", file=sys.stderr)
else:
    print(f"packages: {len(used)} restored, all in {allow_path}")
sys.exit(1 if extra or problems else 0)
PY
[ "${1:-}" = "--update" ] && exit "$fail"

# --- 3. known vulnerabilities ---------------------------------------------------------------------------------------
dotnet list Rgsud.sln package --vulnerable --include-transitive --format json > "$work/vuln.json" 2> "$work/vuln.err" || {
  cat "$work/vuln.err" >&2; echo "rgsud: 'dotnet list package --vulnerable' failed" >&2; exit 1; }
python3 - "$work/vuln.json" <<'PY' || fail=1
import json, os, sys, urllib.request
listing = json.load(open(sys.argv[1]))
vulnerable = []
for project in listing.get("projects", []):
    for fw in project.get("frameworks", []):
        for kind in ("topLevelPackages", "transitivePackages"):
            for pkg in fw.get(kind, []):
                for v in pkg.get("vulnerabilities", []):
                    vulnerable.append(f"{pkg['id']} {pkg['resolvedVersion']}: {v.get('severity')} {v.get('advisoryurl', '')}")
for v in sorted(set(vulnerable)):
    print(f"rgsud: vulnerable package {v}", file=sys.stderr)
sources = [s for s in listing.get("sources", []) if s.startswith("http")]
without = []
for source in sources:
    try:
        with urllib.request.urlopen(source, timeout=30) as r:
            index = json.load(r)
        types = [res.get("@type", "") for res in index.get("resources", [])]
        if not any(t.startswith("VulnerabilityInfo") for t in types):
            without.append(source)
    except Exception as e:  # noqa: BLE001 - any failure means: no vulnerability data from that source
        without.append(f"{source} ({e.__class__.__name__})")
if vulnerable:
    sys.exit(1)
if not sources:
    without.append("(no http source)")
if without:
    print("vulnerabilities: UNVERIFIED - 'dotnet list package --vulnerable' reports none, but these sources publish no "
          "vulnerability data, so it could not have found any: " + ", ".join(without))
    sys.exit(1 if os.environ.get("RGSUD_REQUIRE_VULNERABILITY_DATA") == "1" else 0)
print("vulnerabilities: none known (vulnerability data from " + ", ".join(sources) + ")")
PY
exit "$fail"
