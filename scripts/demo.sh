#!/bin/sh
# The main job on a demo repository: dependencies, build, then a fresh
# repository in a temporary directory where a dozen issues are worked on by
# agents for a week (runs on five models, a session, attempts), and the
# usage reports that come out of it. Dates and the clock are fixed
# (GIT_STATS_NOW), so the reports read the same every time.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
sh "$src/scripts/deps.sh"
sh "$src/scripts/build.sh"
bdir=${GS_BUILD:-build}
case $bdir in /*) ;; *) bdir="$src/$bdir" ;; esac
PATH="$bdir:$PATH"
export PATH

demo=$(mktemp -d "${TMPDIR:-/tmp}/git-stats-demo.XXXXXX")
export HOME="$demo/.home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE NO_COLOR 2>/dev/null || true
export GIT_AUTHOR_NAME="Demo" GIT_AUTHOR_EMAIL="demo@example.com"
export GIT_COMMITTER_NAME="Demo" GIT_COMMITTER_EMAIL="demo@example.com"
export GIT_AUTHOR_DATE="2026-03-15T18:00:00Z" GIT_COMMITTER_DATE="2026-03-15T18:00:00Z"
export GIT_STATS_NOW="2026-03-15T18:00:00Z" TZ=UTC LC_ALL=C
cd "$demo"
git init -q -b main repo
cd repo
echo "# demo project" >README.md
git add README.md
git commit -q -m "initial commit"

say() { printf '\n$ %s\n' "$*"; }

# A dozen issues from the template, committed one by one.
say 'git stats new "Fix the login timeout"'
git stats new "Fix the login timeout"
for title in "Add CSV export" "Speed up search" "Dark mode for the dashboard" \
	"Rate-limit the public API" "Migrate to Postgres 16" "Flaky upload test" \
	"Invite links expire too early" "Audit log for admin actions" \
	"Paginate the issue list" "Translate the settings page" "Remove the legacy v1 API"; do
	git stats new "$title" >/dev/null
done
echo "(11 more issues created: $(ls issues | wc -l | tr -d ' ') in issues/)"

# A week of agent runs: 36 runs over 7 days and 5 models, one of which has
# no price (its cost stays unknown, never $0). Numbers vary but are fixed.
models="claude-sonnet-4-5 claude-opus-4-1 gpt-4.1 gemini-2.5-pro"
say 'git stats record 1 --model claude-sonnet-4-5 --started-at 2026-03-09T09:12:00Z \
    --input-tokens 4200 --cache-read-tokens 61000 --cache-write-tokens 9000 \
    --output-tokens 3100 --duration 184 --iterations 7 --run-id run_demo_first'
git stats record 1 --model claude-sonnet-4-5 --started-at 2026-03-09T09:12:00Z \
	--input-tokens 4200 --cache-read-tokens 61000 --cache-write-tokens 9000 \
	--output-tokens 3100 --duration 184 --iterations 7 --run-id run_demo_first
n=1
while [ $n -lt 36 ]; do
	day=$((9 + n % 7))
	issue=$((n % 12 + 1))
	set -- $models
	shift $((n % 4))
	model=$1
	# Issue 12 is worked on by an in-house model the pricing table lacks.
	[ "$issue" -eq 12 ] && model=acme-coder-1
	git stats record "$issue" --model "$model" \
		--started-at "2026-03-$(printf %02d $day)T$(printf %02d $((8 + n % 10))):$(printf %02d $((n * 7 % 60))):00Z" \
		--input-tokens $((1500 + n * 317 % 5000)) \
		--cache-read-tokens $((20000 + n * 4711 % 90000)) \
		--cache-write-tokens $((3000 + n * 911 % 8000)) \
		--output-tokens $((800 + n * 577 % 6000)) \
		--duration $((60 + n * 53 % 900)).$((n % 10)) --iterations $((1 + n % 11)) \
		--run-id "run_demo_$n" >/dev/null
	n=$((n + 1))
done
echo "(35 more runs recorded: 36 runs on 12 issues, 5 models, 2026-03-09 to 2026-03-15)"

# Attempts with checkpoints, where this build has them: the agent fails
# once, then succeeds with a commit that becomes its checkpoint.
if git stats attempt --help 2>/dev/null | grep -q "attempt start"; then
	say 'git stats attempt start 5 --agent recon'
	git stats attempt start 5 --agent recon
	say 'git stats attempt end 5 --agent recon --failed --cost 0.42 --error "tests did not build"'
	git stats attempt end 5 --agent recon --failed --cost 0.42 --duration-ms 95000 \
		--model gpt-4.1 --error "tests did not build"
	git stats attempt start 5 --agent recon >/dev/null
	echo "rate limiter" >limiter.txt
	git add limiter.txt
	git commit -q -m "Rate-limit the public API" -m "Issue: 5"
	say 'git stats attempt start 5 --agent recon; git commit ...; git stats attempt end 5 --agent recon --success --cost 0.88 --checkpoint HEAD'
	git stats attempt end 5 --agent recon --success --cost 0.88 --duration-ms 210000 \
		--model claude-sonnet-4-5 --checkpoint HEAD
fi

# A session: an event log kept beside the repository, then recorded as a run
# (last: its id is random, and commits after it would differ run to run).
say 'ses=$(git stats session new --issue 3 --model claude-sonnet-4-5)'
ses=$(GIT_STATS_NOW=2026-03-15T14:00:00Z git stats session new --issue 3 --model claude-sonnet-4-5)
GIT_STATS_NOW=2026-03-15T14:00:02Z git stats session log "$ses" llm.response --data \
	'{"model":"claude-sonnet-4-5","usage":{"input_tokens":3000,"output_tokens":1200,"cache_read_tokens":42000},"latency_ms":5400}' >/dev/null
GIT_STATS_NOW=2026-03-15T14:00:09Z git stats session log "$ses" tool.call --data \
	'{"tool":"run_tests","duration_ms":6100}' >/dev/null
GIT_STATS_NOW=2026-03-15T14:02:30Z git stats session log "$ses" session.end --data \
	'{"status":"success","duration_ms":150000}' >/dev/null
echo "(the agent logs a response, a tool call and the end of the session)"
say 'git stats record 3 --session "$ses"'
git stats record 3 --session "$ses" --started-at 2026-03-15T14:00:00Z --run-id run_demo_session |
	sed 's/ (commit [0-9a-f]*)$//' 

say "git stats list --sort cost"
git stats list --sort cost
say "git stats usage --by model"
git stats usage --by model
say "git stats usage --by day --since 7d"
git stats usage --by day --since 7d
echo
echo "(demo repository kept at $demo/repo)"
