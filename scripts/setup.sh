#!/usr/bin/env bash
# One command for a fresh Debian/Ubuntu machine: installs the system tools the
# tests use (ARM cross toolchain, QEMU), the npm dependencies, builds the CLIs
# and the bundled example firmware.
set -euo pipefail
cd "$(dirname "$0")/.."

# binutils for the host (x64), RISC-V and Xtensa: assemblers the native and inline-asm tests compare against
APT_PACKAGES=(gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm binutils binutils-riscv64-unknown-elf binutils-xtensa-lx106)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

npm ci --no-audit --no-fund
npm run build

if [ -f fixtures/example/mpconfig.json ]; then
  node bin/mpi.js link --config fixtures/example/mpconfig.json
fi
