#!/bin/sh
# Crash safety: writers are SIGKILLed at random moments; after every kill
# the ref points to a valid commit whose issue file parses and git fsck is
# clean. Both a dedicated ref and the checked-out branch (index and work
# tree, the tricky case) are tested.
. "$(dirname "$0")/test-lib.sh"

# writers that must really die mid-update, per ref (200 in all)
KILLS=${GS_CRASH_KILLS:-100}

# A random delay of 0..$SPAN ms, as a sleep(1) argument. SPAN is the
# length of one update (measured below), so kills land in every phase.
SPAN=30
delay() {
	n=$(od -An -N2 -tu2 /dev/urandom | tr -d " ")
	n=$((n % (SPAN + 1)))
	printf "%d.%03d" $((n / 1000)) $((n % 1000))
}

# measure SPAN: the fastest of three uncontended updates, in ms, so that
# most kills land inside an update, spread over all of its phases
measure() {
	SPAN=100000
	for k in 1 2 3; do
		t0=$(date +%s%N)
		git-stats set "$@" 1 warmup=$k >/dev/null || return 1
		t1=$(date +%s%N)
		t=$(( (t1 - t0) / 1000000 ))
		[ $t -ge $SPAN ] || SPAN=$t
	done
	[ $SPAN -ge 5 ] || SPAN=5
}

# check REF: the ref is a commit, its issue parses, fsck is clean
check() {
	git rev-parse -q --verify "$1^{commit}" >/dev/null || { echo "ref $1 is not a commit"; return 1; }
	git show "$1:issues/1-crash-target.md" >../cur.md || return 1
	git stats fm check ../cur.md >/dev/null || { echo "issue does not parse"; cat ../cur.md; return 1; }
	git fsck --no-progress >../fsck.out 2>&1 || { cat ../fsck.out; return 1; }
}

# crash_loop REF [--ref REF]: start a writer, wait a random moment, SIGKILL
# it, check; until KILLS writers really died mid-update. A writer that
# finished before its kill shrinks the delay span, one that died widens
# it again, so kills keep landing inside updates however loaded the
# machine is (a fixed span made the kill count depend on the load).
crash_loop() {
	ref=$1
	shift
	measure "$@" || return 1
	i=1
	killed=0
	max=$((KILLS * 6))
	while [ $killed -lt $KILLS ] && [ $i -le $max ]; do
		git-stats set "$@" 1 "k$i=$i" "round=$i" >/dev/null 2>>../writer.err &
		pid=$!
		sleep "$(delay)"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		if [ $? -eq 137 ]; then
			killed=$((killed + 1))
			SPAN=$((SPAN + SPAN / 8 + 1))
		else
			SPAN=$((SPAN * 3 / 4))
			[ $SPAN -ge 1 ] || SPAN=1
		fi
		# a crashed git leaves the same: the user removes a stale ref lock
		if [ -e ".git/$ref.lock" ] || [ -e "$ref.lock" ]; then
			echo "round $i: stale $ref.lock removed" >&2
			rm -f ".git/$ref.lock" "$ref.lock"
		fi
		check "$ref" || { echo "after round $i ($killed killed)"; return 1; }
		i=$((i + 1))
	done
	echo "$killed writers killed in $((i - 1)) rounds (final span ${SPAN} ms)" >&2
	test $killed -ge $KILLS
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(cd repo && git stats init && git stats new "Crash target" >/dev/null &&
	 git stats new --ref refs/heads/issues --id 1 "Crash target" >/dev/null)
'

test_expect_success "dedicated ref: $KILLS writers SIGKILLed at random moments" '
	(cd repo && crash_loop refs/heads/issues --ref refs/heads/issues)
'

test_expect_success 'dedicated ref: the next update succeeds and keeps everything' '
	(cd repo && git stats set --ref refs/heads/issues 1 after=crash &&
	 git show refs/heads/issues:issues/1-crash-target.md >f && grep "^after: crash$" f &&
	 git fsck --strict)
'

test_expect_success "checked-out branch: $KILLS writers SIGKILLed at random moments" '
	(cd repo && crash_loop refs/heads/main)
'

test_expect_success 'checked-out branch: the next update recovers index and work tree' '
	(cd repo && git stats set 1 after=crash &&
	 test ! -e .git/index.lock &&
	 git show HEAD:issues/1-crash-target.md >f && grep "^after: crash$" f &&
	 git diff --exit-code && git diff --cached --exit-code &&
	 test -z "$(git status --porcelain -uno)" &&
	 ! ls .git/stats | grep "^index\." &&
	 git fsck --strict)
'

test_done
