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

# Default job: derain the Rain100L dev images with the public PReNet weights and score them.
shared="${RGSUD_SHARED:-$root/../shared}"
if [ ! -f "$shared/weights/prenet6-rain100l.safetensors" ] || [ ! -d "$shared/data/rain100l/dev/rainy" ]; then
  echo "rgsud: the default job needs ../shared (Rain100L dev images and PReNet weights), which is absent." >&2
  echo "       Run any command instead, e.g. scripts/run.sh derain --network prenet --weights W --input DIR --output OUT" >&2
  exit 2
fi
out="$root/out/prenet-dev"
"${rgsud[@]}" derain --network prenet --weights "$shared/weights/prenet6-rain100l.safetensors" \
  --input "$shared/data/rain100l/dev/rainy" --output "$out"
"${rgsud[@]}" eval --pred "$out" --gt "$shared/data/rain100l/dev/clean" --json "$out/eval.json"
echo "rgsud: derained images and eval.json are in $out"
