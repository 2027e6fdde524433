#!/usr/bin/env bash
# Issue-4 acceptance run: each built-in method, with and without the RGSUD strategy, trained for a short budget on
# shared/data/rain100l (train-rainy / train-clean), then evaluated on dev (Y-PSNR / SSIM against the rainy input).
#   benchmarks/scripts/method-acceptance.sh [--iterations N] [--crop N] [--batch N] [--derainer NAME] [--scorer SPEC]
#       [--methods "csud cyclegan"] [--strategies "none rgsud"] [--out DIR]
# Writes DIR/acceptance.md (default DIR: artifacts/method-acceptance). About 4 minutes per arm on 2 idle cores at
# the defaults (200 iterations, crop 64, batch 2, nafnet-small).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
iterations=200 crop=64 batch=2 derainer=nafnet-small out="$root/artifacts/method-acceptance" methods="csud cyclegan" strategies="none rgsud" scorer=niqe
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) iterations=$2; shift 2 ;;
    --crop) crop=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --derainer) derainer=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --scorer) scorer=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    --strategies) strategies=$2; shift 2 ;;
    *) echo "method-acceptance: unknown argument $1" >&2; exit 2 ;;
  esac
done
shared="${RGSUD_SHARED:-$root/../shared}"
data="$shared/data/rain100l"
[ -d "$data/train-rainy" ] || { echo "method-acceptance: $data not found (set RGSUD_SHARED)" >&2; exit 3; }

bash "$root/scripts/ensure-native.sh"
dotnet build "$root/src/Rgsud.Cli" -c Release -nologo -v quiet >/dev/null
rgsud=(dotnet "$root/src/Rgsud.Cli/bin/Release/net10.0/rgsud.dll")
mkdir -p "$out"

mean_of() { # eval JSON -> "psnr ssim"
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["mean"]; print("%.3f %.4f" % (m["psnr"], m["ssim"]))' "$1"
}

"${rgsud[@]}" eval --pred "$data/dev/rainy" --gt "$data/dev/clean" --json "$out/input.json" >/dev/null
read -r in_psnr in_ssim < <(mean_of "$out/input.json")
table="| arm | dev Y-PSNR (dB) | dev SSIM | Δ PSNR vs input | train time (s) |\n| --- | --- | --- | --- | --- |\n| input (rainy) | $in_psnr | $in_ssim | 0 | - |\n"
for method in $methods; do
  for strategy in $strategies; do
    arm="$method-$strategy"; run="$out/$arm"; rm -rf "$run"
    start=$(date +%s)
    "${rgsud[@]}" train --rainy "$data/train-rainy" --clean "$data/train-clean" --out "$run" --method "$method" \
      --strategy "$strategy" --scorer "$scorer" --derainer "$derainer" --iterations "$iterations" --crop "$crop" --batch "$batch" \
      --seed 0 --log-every 20 > "$out/$arm.log" 2>&1
    seconds=$(( $(date +%s) - start ))
    "${rgsud[@]}" derain --model "$run" --input "$data/dev/rainy" --output "$run/dev" >/dev/null
    "${rgsud[@]}" eval --pred "$run/dev" --gt "$data/dev/clean" --json "$run/eval.json" >/dev/null
    read -r psnr ssim < <(mean_of "$run/eval.json")
    delta=$(python3 -c "print(f'{$psnr - $in_psnr:+.3f}')")
    echo "$arm: $psnr dB / $ssim ($delta dB vs input, ${seconds} s)"
    table+="| $arm | $psnr | $ssim | $delta | $seconds |\n"
  done
done
printf "# Method acceptance (%s iterations, crop %s, batch %s, %s, scorer %s, seed 0)\n\n%b" "$iterations" "$crop" "$batch" "$derainer" "$scorer" "$table" > "$out/acceptance.md"
cat "$out/acceptance.md"
