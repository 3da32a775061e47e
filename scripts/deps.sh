#!/bin/sh
# Install what building and testing git-stats needs on Debian 12. Safe to
# re-run: it only calls apt-get when a package is missing.
#   scripts/deps.sh          build + test dependencies
#   scripts/deps.sh --fuzz   also clang and its libFuzzer runtime
#   scripts/deps.sh --ci     also clang, libFuzzer and valgrind (what .ci/run uses)
set -eu

pkgs="cmake make gcc pkg-config git libgit2-dev libyaml-dev libcjson-dev libcmocka-dev libssl-dev zlib1g-dev ca-certificates"
case "${1:-}" in
--fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
--ci) pkgs="$pkgs clang libclang-rt-14-dev valgrind" ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root, or install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
