#!/usr/bin/env bash
# Regenerates the public-API baselines of the code packages (Rgsud.Core, Rgsud.Rewards, Rgsud.Networks) from the
# code, with Microsoft.CodeAnalysis.PublicApiAnalyzers' own code fix (RS0016 "add to public API").
#
#   scripts/update-public-api.sh            rewrite every PublicAPI.Unshipped.txt (after merging others' work)
#   scripts/update-public-api.sh --check    change nothing; exit 1 and show the diff if a file is out of date
#
# The build fails (RS0016/RS0017, warnings as errors) whenever the public API and these files disagree, so an API
# change is always a visible diff of PublicAPI.Unshipped.txt in review. Until 0.1.0 is published everything is
# "unshipped"; releasing moves the lines into PublicAPI.Shipped.txt (docs/packages.md). This script recomputes
# Unshipped from scratch (so removed unshipped members disappear) and never touches Shipped: removing a *shipped*
# member is a breaking change and takes a "*REMOVED*<line>" entry in Unshipped by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

check=false
[ "${1:-}" = "--check" ] && check=true

projects=(src/Rgsud.Core/Rgsud.Core.csproj src/Rgsud.Rewards/Rgsud.Rewards.csproj src/Rgsud.Networks/Rgsud.Networks.csproj)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rc=0
for project in "${projects[@]}"; do
  dir="$(dirname "$project")"
  shipped="$dir/PublicAPI.Shipped.txt"
  unshipped="$dir/PublicAPI.Unshipped.txt"
  [ -f "$shipped" ] || printf '#nullable enable\n' > "$shipped"
  cp "$unshipped" "$work/before.txt" 2>/dev/null || : > "$work/before.txt"
  # Start Unshipped over (keeping any hand-written *REMOVED* lines for shipped members), then let the code fix add
  # every public member that Shipped does not list, with its nullable annotations.
  { printf '#nullable enable\n'; grep '^\*REMOVED\*' "$work/before.txt" || true; } > "$unshipped"
  echo "public API: $dir"
  if ! dotnet format analyzers "$project" --diagnostics RS0016 --severity info --verbosity quiet; then
    cp "$work/before.txt" "$unshipped"
    echo "rgsud: 'dotnet format analyzers' failed for $project (does it restore and compile?)" >&2
    exit 1
  fi
  if ! diff -q "$work/before.txt" "$unshipped" >/dev/null; then
    if $check; then
      diff -u "$work/before.txt" "$unshipped" | sed "s|$work/before.txt|$unshipped (committed)|" || true
      cp "$work/before.txt" "$unshipped"
      rc=1
    else
      echo "  updated $unshipped ($(($(wc -l < "$unshipped") - 1)) lines)"
    fi
  fi
done
if [ "$rc" -ne 0 ]; then
  echo "rgsud: the public API differs from PublicAPI.Unshipped.txt: run scripts/update-public-api.sh and review the diff" >&2
fi
exit "$rc"
