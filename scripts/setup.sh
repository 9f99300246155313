#!/usr/bin/env bash
# One idempotent setup for a fresh Debian 12 machine (run as root):
#   scripts/setup.sh          what `npm start` needs
#   scripts/setup.sh --test   plus the peers and tools the test suite drives
# Each step checks before it acts, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '[setup] %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------
base_pkgs=(build-essential pkg-config libseccomp-dev libjansson-dev libcap-dev libssl-dev zlib1g-dev libisal-dev busybox-static iproute2 iptables)
test_pkgs=(crun runc docker.io podman skopeo docker-registry chromium debootstrap valgrind jq e2fsprogs openssl apache2-utils zstd isal python3 procps psmisc openssh-server gnupg pkexec polkitd dbus-daemon strace)
pkgs=("${base_pkgs[@]}")
[ "$want_test" = 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "[setup] missing Debian packages: ${missing[*]}; run this as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Keep package postinst scripts from starting services (dockerd, registry) on the host;
  # the tests start their own instances on their own sockets.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; policy_made=1
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  [ "${policy_made:-0}" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

# --- npm packages ----------------------------------------------------------
# The Electron binary cannot be downloaded everywhere; the app falls back to browser mode.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  # `npm install` rather than `npm ci`: vite lists a Windows-only optional package that the
  # registry here does not serve, which npm ci treats as a lock mismatch; install skips it and
  # still follows package-lock.json for everything else.
  npm install --no-audit --no-fund
fi

# --- build -----------------------------------------------------------------
say "building native runtime"
make -s -C runtime-helper/native
say "building TypeScript and renderer"
node scripts/build-ts.mjs

# --- test fixtures ---------------------------------------------------------
if [ "$want_test" = 1 ]; then
  bash scripts/make-busybox-rootfs.sh >/dev/null
fi
say "ready"
