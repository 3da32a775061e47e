#!/bin/sh
# The whole test suite from a fresh machine: dependencies, build, ctest.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh
cd "${GS_BUILD:-build}"
ctest --output-on-failure -j"$(nproc)"
