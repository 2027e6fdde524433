#!/usr/bin/env bash
# README's test command: sets up what a fresh machine lacks, then builds and runs every test, the package checks
# and the consumer test (scripts/check-packages.sh, scripts/consumer-test.sh).
#   scripts/test.sh [extra dotnet test arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/ensure-native.sh
command -v dotnet >/dev/null || { echo "rgsud: the .NET 10 SDK is required (https://dot.net)." >&2; exit 3; }

if [ ! -d ../shared ] && [ -z "${RGSUD_SHARED:-}" ]; then
  echo "rgsud: ../shared is absent: tests that need Rain100L, the PReNet weights or the NIQE model are skipped (reported as skipped)."
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
# Build once, then run the test assemblies one at a time (-m:1): libtorch already uses every core.
dotnet build Rgsud.sln -c Release -nologo -v quiet 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ]; then
  dotnet test Rgsud.sln -c Release --no-build -m:1 --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
fi
# Then what a package user gets (docs/packages.md): central versions, the allowlist of restored packages and known
# vulnerabilities; then pack, install into a fresh app, run README's quick-start and the tool
# (RGSUD_SKIP_CONSUMER_TEST=1 skips the consumer test).
if [ "$rc" -eq 0 ]; then
  bash scripts/check-packages.sh || { echo "rgsud: package checks failed" >&2; rc=1; }
  bash scripts/consumer-test.sh --no-build || { echo "rgsud: consumer test failed" >&2; rc=1; }
else
  echo "rgsud: build or tests failed: package checks and consumer test not run"
fi
set -e

# One closing line over all test assemblies: "tests: N passed, N failed, N skipped".
awk '
  /^Total tests: [0-9]+/ { runs++ }
  /^ +Passed: [0-9]+$/  { p += $2 }
  /^ +Failed: [0-9]+$/  { f += $2 }
  /^ +Skipped: [0-9]+$/ { s += $2 }
  /^Test Run Aborted/   { aborted++ }
  END {
    printf "tests: %d passed, %d failed, %d skipped\n", p, f, s
    if (aborted > 0) { print "rgsud: a test run was aborted" > "/dev/stderr"; exit 1 }
    if (p + f == 0) exit 1
  }
' "$log" || { echo "rgsud: no test ran, or a test run aborted" >&2; [ "$rc" -ne 0 ] || rc=1; }
exit "$rc"
