#!/usr/bin/env bash
# Installs the Debian 12 packages shoprl needs, only those missing (apt-get as root, sudo
# otherwise). Sourced by tools/quickstart.sh and tools/test.sh; safe to run again.
set -euo pipefail

SHOPRL_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libeigen3-dev libyaml-cpp-dev libcli11-dev libhdf5-dev zlib1g-dev
  libfmt-dev libspdlog-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # The HTTP server of `shoprl serve` (its pkg-config file names openssl, zlib and brotli).
  libcpp-httplib-dev
  # Gloo's headers, for data-parallel training over LibTorch's c10d (docs/training.md, "More
  # than one machine"); Debian's LibTorch ships c10d and links Gloo, but not its headers.
  libgloo-dev
  # The serving test and docs/serving.md's examples speak HTTP with curl.
  curl
  python3-numpy python3-pandas python3-h5py
  # The Python baseline of `shoprl bench train` (the same SQN step in PyTorch) and the
  # independent check that exported policies load in Python.
  python3-torch
  # An optimised BLAS for Debian's LibTorch: without it libblas.so.3 is the reference BLAS
  # and every matrix product of the user model and the policies runs several times slower.
  libopenblas0-pthread
  # Headless browser for tests/e2e/report_chromium_test.cpp (renders the evaluation report).
  chromium
)

missing=()
for package in "${SHOPRL_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "shoprl: installing missing Debian packages: ${missing[*]}" >&2
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "shoprl: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  "${as_root[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi
