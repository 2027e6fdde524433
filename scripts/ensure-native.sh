#!/usr/bin/env bash
# Makes sure the native runtime TorchSharp 0.107 (libtorch 2.10) needs is present on this machine.
#
# libtorch 2.10's libtorch_cpu.so needs libstdc++ with GLIBCXX_3.4.32 (GCC 13+). Debian 12 ships 3.4.30.
# On Debian 12, as root, this script installs libstdc++6 from Debian 13 (trixie) with the trixie suite pinned
# low (priority 100), so nothing else is upgraded from it unless asked for (apt upgrades libc6 along with it).
# Anywhere else it stops with a message that says what to install.
#
# Idempotent and quiet when nothing is needed. Exit codes: 0 ok, 3 cannot fix automatically.
set -euo pipefail

need="GLIBCXX_3.4.32"

find_libstdcxx() {
  local p
  for p in $(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*=>/{print $NF}') \
           /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -e "$p" ] && { readlink -f "$p"; return 0; }
  done
  return 1
}

has_symbol_version() {
  local lib="$1"
  # grep -a on the binary works without binutils' strings.
  LC_ALL=C grep -aq "$need" "$lib"
}

lib=$(find_libstdcxx || true)
if [ -n "$lib" ] && has_symbol_version "$lib"; then
  exit 0
fi

echo "rgsud: libstdc++ at '${lib:-<none>}' lacks $need, which TorchSharp's libtorch 2.10 needs." >&2

os_id=""; os_ver=""
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  os_id="${ID:-}"; os_ver="${VERSION_ID:-}"
fi

if [ "$os_id" = "debian" ] && [ "$os_ver" = "12" ] && [ "$(id -u)" = "0" ]; then
  echo "rgsud: Debian 12 as root: installing libstdc++6 from Debian 13 (trixie), pinned low." >&2
  mirror="http://deb.debian.org/debian"
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    [ -n "$m" ] && mirror="$m"
  fi
  cat > /etc/apt/sources.list.d/rgsud-trixie.sources <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  cat > /etc/apt/preferences.d/rgsud-trixie-low <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq -o Dir::Etc::sourcelist=/dev/null >/dev/null 2>&1 || apt-get update -qq >/dev/null
  apt-get install -y -qq -t trixie libstdc++6 >/dev/null
  lib=$(find_libstdcxx || true)
  if [ -n "$lib" ] && has_symbol_version "$lib"; then
    echo "rgsud: installed $(basename "$lib") with $need." >&2
    exit 0
  fi
  echo "rgsud: installing libstdc++6 from trixie did not provide $need; see docs/troubleshooting.md." >&2
  exit 3
fi

cat >&2 <<MSG
rgsud: cannot fix this automatically here (OS: ${os_id:-unknown} ${os_ver:-?}, uid $(id -u)).
Install a libstdc++ from GCC 13 or newer that provides $need, for example:
  - Debian 12 (as root):  add the trixie suite pinned low and run 'apt-get install -t trixie libstdc++6'
                          (or re-run this script as root: scripts/ensure-native.sh)
  - Ubuntu 22.04:         add ppa:ubuntu-toolchain-r/test and 'apt-get install libstdc++6'
  - any Linux:            a distribution with GCC 13+ (Debian 13, Ubuntu 24.04, Fedora 39+)
See docs/troubleshooting.md.
MSG
exit 3
