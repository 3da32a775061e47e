#!/bin/sh
# Parallel writers never lose an update: 8 processes x 25 `git stats set`
# on one issue of the checked-out branch while another loop makes ordinary
# `git commit`s of other files; then the same on a dedicated ref.
. "$(dirname "$0")/test-lib.sh"

PROCS=8
PER=25

test_expect_success 'setup' '
	test_create_repo repo &&
	(cd repo && git stats init && git stats new "Hot issue" && mkdir other)
'

# writer P: 25 sets of kP_N=N; any failure is recorded
writer() {
	n=1
	while [ $n -le $PER ]; do
		git stats set 1 "k$1_$n=$n" >/dev/null 2>>"../err.$1" || echo "k$1_$n" >>"../failed.$1"
		n=$((n + 1))
	done
}

# the other loop: ordinary commits, retried when git finds the index or
# HEAD locked by a concurrent writer (as a user would)
committer() {
	i=1
	while { [ ! -f ../writers.done ] || [ $i -le 5 ]; } && [ $i -le 1000 ]; do
		echo "$i" >"other/f$i.txt"
		tries=0
		until git add "other/f$i.txt" 2>/dev/null && git commit -q -m "other $i" 2>/dev/null; do
			tries=$((tries + 1))
			[ $tries -lt 500 ] || { echo "gave up on other $i" >>../committer.err; return 1; }
			sleep 0.01
		done
		echo "$i" >>../committed
		i=$((i + 1))
		sleep 0.02
	done
}

test_expect_success "$PROCS writers x $PER sets race with git commit on the checked-out branch" '
	(cd repo || exit 1
	 committer & cpid=$!
	 pids=
	 p=1
	 while [ $p -le $PROCS ]; do
		writer $p & pids="$pids $!"
		p=$((p + 1))
	 done
	 for pid in $pids; do wait $pid; done
	 touch ../writers.done
	 wait $cpid) &&
	! cat failed.* 2>/dev/null | grep . &&
	test ! -s committer.err
'

test_expect_success 'all 200 keys are in the committed issue' '
	git -C repo show HEAD:issues/1-hot-issue.md >issue &&
	p=1 && while [ $p -le $PROCS ]; do
		n=1 && while [ $n -le $PER ]; do
			grep -q "^k${p}_$n: $n\$" issue || { echo "missing k${p}_$n"; exit 1; }
			n=$((n + 1))
		done
		p=$((p + 1))
	done &&
	grep -c "^k[0-9]*_[0-9]*: " issue >count && echo $((PROCS * PER)) >expect && test_cmp expect count
'

test_expect_success 'every commit of the other loop is in history' '
	git -C repo log --format=%s >log &&
	for i in $(cat committed); do
		grep -qx "other $i" log || { echo "lost: other $i"; exit 1; }
	done &&
	test "$(grep -c "^stats(1): set" log)" = $((PROCS * PER))
'

test_expect_success 'fsck is clean and index and work tree match HEAD' '
	(cd repo && git fsck --strict &&
	 git diff --exit-code && git diff --cached --exit-code &&
	 test -z "$(git status --porcelain -uno)")
'

test_expect_success 'the same race on a dedicated ref' '
	rm -f failed.* &&
	(cd repo || exit 1
	 git stats new --ref refs/heads/issues "Side issue" >/dev/null &&
	 git config stats.ref refs/heads/issues &&
	 pids= && p=1 &&
	 while [ $p -le $PROCS ]; do
		writer $p & pids="$pids $!"
		p=$((p + 1))
	 done
	 for pid in $pids; do wait $pid; done) &&
	! cat failed.* 2>/dev/null | grep . &&
	git -C repo show refs/heads/issues:issues/1-side-issue.md >side &&
	test "$(grep -c "^k[0-9]*_[0-9]*: " side)" = $((PROCS * PER)) &&
	git -C repo fsck --strict
'

test_done
