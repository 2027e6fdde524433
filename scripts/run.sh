#!/usr/bin/env bash
# README's main-job command: sets up what a fresh machine lacks, builds the rgsud tool, and runs it.
#   scripts/run.sh                 the built-in default job (see README)
#   scripts/run.sh <rgsud args>    any rgsud command, e.g. scripts/run.sh derain --help
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/ensure-native.sh
command -v dotnet >/dev/null || { echo "rgsud: the .NET 10 SDK is required (https://dot.net)." >&2; exit 3; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build src/Rgsud.Cli -c Release -v quiet -nologo >/dev/null
rgsud=(dotnet "src/Rgsud.Cli/bin/Release/net10.0/rgsud.dll")

if [ "$#" -gt 0 ]; then
  exec "${rgsud[@]}" "$@"
fi

# Default job: the demo. It renders its own synthetic rain data, trains the base method and base + RGSUD with the
# same seed, data and budget, evaluates both on held-out test pairs and writes out/demo/report.html.
"${rgsud[@]}" demo --out "$root/out/demo"
