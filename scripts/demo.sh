#!/bin/sh
# The main job on a demo repository: dependencies, build, then a fresh
# repository in a temporary directory with sample issues, worked on by
# git stats. Dates are fixed so the report reads the same every time.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
sh "$src/scripts/deps.sh"
sh "$src/scripts/build.sh"
PATH="$src/${GS_BUILD:-build}:$PATH"
export PATH

demo=$(mktemp -d "${TMPDIR:-/tmp}/git-stats-demo.XXXXXX")
export HOME="$demo/.home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
export GIT_AUTHOR_NAME="Demo" GIT_AUTHOR_EMAIL="demo@example.com"
export GIT_COMMITTER_NAME="Demo" GIT_COMMITTER_EMAIL="demo@example.com"
cd "$demo"
git init -q -b main repo
cd repo
mkdir issues
printf -- '---\ntitle: Fix the login timeout  # reported twice\nstate: open\nlabels: [auth, bug]\n---\n\nUsers are logged out after 5 minutes.\n' >issues/1-login-timeout.md
printf -- '---\ntitle=Add CSV export\nstate=open\n---\n\nbarf writes key=value frontmatter.\n' >issues/2-csv-export.md

echo "\$ git stats fm get issues/1-login-timeout.md title"
git stats fm get issues/1-login-timeout.md title
echo "\$ git stats fm set issues/1-login-timeout.md run_count 1"
git stats fm set issues/1-login-timeout.md run_count 1
echo "\$ git stats fm set issues/2-csv-export.md state in_progress"
git stats fm set issues/2-csv-export.md state in_progress
cat issues/1-login-timeout.md issues/2-csv-export.md
echo "(demo repository kept at $demo/repo)"
