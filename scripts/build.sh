#!/bin/sh
# Configure and build into ${GS_BUILD:-build}; extra cmake arguments come
# from $GS_CMAKE_ARGS. Used by test.sh, demo.sh and CI.
set -eu
cd "$(dirname "$0")/.."
build=${GS_BUILD:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build" -DGS_WERROR=ON ${GS_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
