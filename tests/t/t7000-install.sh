#!/bin/sh
# git stats install / uninstall: hooks in the directory git really uses,
# existing hooks chained and restored byte for byte, merge driver config,
# attribute and alias; install is idempotent.
. "$(dirname "$0")/test-lib.sh"

GIT_STATS_HOOK_TRACE="$TRASH_DIRECTORY/trace"
export GIT_STATS_HOOK_TRACE

# Everything install may touch, with file modes, as one comparable listing.
snapshot() {
	(cd "$1" && find .git/hooks .git/info .git/config ${2:-} -type f 2>/dev/null | sort |
		while read -r f; do printf '%s %s\n' "$f" "$(stat -c %a "$f")"; cat "$f"; done)
}

test_expect_success 'install sets up hooks, merge driver and attribute' '
	test_create_repo plain &&
	(cd plain && git stats install >out &&
	 for h in post-commit post-merge post-rewrite; do
		test -x .git/hooks/$h && grep "git-stats-hook-$h" .git/hooks/$h || exit 1
	 done &&
	 test "$(git config merge.gitstats.driver)" = "git-stats merge-driver %O %A %B %P" &&
	 git config merge.gitstats.name &&
	 test "$(git check-attr merge issues/12.md)" = "issues/12.md: merge: gitstats" &&
	 test "$(git check-attr merge README.md)" = "README.md: merge: unspecified" &&
	 test_must_fail git config alias.stats)
'

test_expect_success 'git runs the installed hooks, silently' '
	(cd plain && : >"$GIT_STATS_HOOK_TRACE" &&
	 git commit -q --allow-empty -m two >out 2>&1 &&
	 test ! -s out &&
	 grep "^post-commit" "$GIT_STATS_HOOK_TRACE" &&
	 git commit -q --amend --allow-empty -m two-amended &&
	 grep "^post-rewrite amend" "$GIT_STATS_HOOK_TRACE")
'

test_expect_success 'post-rewrite passes the rewritten list on stdin' '
	(cd plain && cat .git/hooks/post-rewrite &&
	 printf "aaa bbb\n" | sh .git/hooks/post-rewrite amend &&
	 grep "^post-rewrite amend" "$GIT_STATS_HOOK_TRACE")
'

test_expect_success 'install twice equals install once' '
	snapshot plain >before &&
	(cd plain && git stats install >out) &&
	snapshot plain >after &&
	test_cmp before after &&
	! grep -v unchanged plain/out
'

test_expect_success 'uninstall leaves the repository as it was' '
	test_create_repo fresh &&
	snapshot fresh >before &&
	(cd fresh && git stats install && git stats uninstall) &&
	snapshot fresh >after &&
	test_cmp before after
'

test_expect_success 'an existing shell post-commit hook keeps running' '
	test_create_repo chained &&
	cat >chained/.git/hooks/post-commit <<-\EOT &&
	#!/bin/sh
	echo "user hook $#" >>"$TRASH_DIRECTORY/user-hook"
	exit 0
	EOT
	chmod 750 chained/.git/hooks/post-commit &&
	cp -p chained/.git/hooks/post-commit orig-hook &&
	snapshot chained >before &&
	(cd chained && git stats install >out && grep "marked block" out &&
	 : >"$GIT_STATS_HOOK_TRACE" &&
	 git commit -q --allow-empty -m c1) &&
	grep "^user hook 0" user-hook &&
	grep "^post-commit" "$GIT_STATS_HOOK_TRACE" &&
	test "$(stat -c %a chained/.git/hooks/post-commit)" = 750
'

test_expect_success 'install over a chained hook changes nothing' '
	snapshot chained >once &&
	(cd chained && git stats install) &&
	snapshot chained >twice &&
	test_cmp once twice
'

test_expect_success 'uninstall restores the user hook byte for byte' '
	(cd chained && git stats uninstall >out && grep "removed the git-stats block" out) &&
	cmp orig-hook chained/.git/hooks/post-commit &&
	test "$(stat -c %a chained/.git/hooks/post-commit)" = 750 &&
	snapshot chained >after &&
	test_cmp before after
'

test_expect_success 'a non-shell hook is wrapped, still runs, and comes back' '
	test_create_repo wrapped &&
	cat >wrapped/.git/hooks/post-merge <<-\EOT &&
	#!/usr/bin/env perl
	open(my $f, ">>", "$ENV{TRASH_DIRECTORY}/perl-hook"); print $f "perl @ARGV\n";
	EOT
	chmod 755 wrapped/.git/hooks/post-merge &&
	snapshot wrapped >before &&
	(cd wrapped && git stats install >out && grep "wrapper" out &&
	 test -f .git/hooks/post-merge.pre-git-stats &&
	 : >"$GIT_STATS_HOOK_TRACE" &&
	 git checkout -q -b side && git commit -q --allow-empty -m side &&
	 git checkout -q main && git commit -q --allow-empty -m main &&
	 git merge -q --no-edit side) &&
	grep "^perl 0" perl-hook &&
	grep "^post-merge 0" "$GIT_STATS_HOOK_TRACE" &&
	(cd wrapped && git stats install >out2 && ! grep -v unchanged out2 &&
	 git stats uninstall >out3 && grep "restored the original" out3) &&
	snapshot wrapped >after &&
	test_cmp before after
'

test_expect_success 'a symlinked hook is wrapped and restored as the same link' '
	test_create_repo linked &&
	printf "#!/bin/sh\necho linked >>\"\$TRASH_DIRECTORY/linked.out\"\n" >linked-hook &&
	chmod +x linked-hook &&
	ln -s "$TRASH_DIRECTORY/linked-hook" linked/.git/hooks/post-commit &&
	(cd linked && git stats install && : >"$GIT_STATS_HOOK_TRACE" &&
	 git commit -q --allow-empty -m l && git stats uninstall) &&
	grep linked linked.out &&
	grep post-commit "$GIT_STATS_HOOK_TRACE" &&
	test -L linked/.git/hooks/post-commit &&
	test "$(readlink linked/.git/hooks/post-commit)" = "$TRASH_DIRECTORY/linked-hook"
'

test_expect_success 'a non-executable hook stays disabled but is kept' '
	test_create_repo disabled &&
	printf "#!/bin/sh\necho disabled >>\"\$TRASH_DIRECTORY/disabled.out\"\n" >disabled/.git/hooks/post-commit &&
	chmod 644 disabled/.git/hooks/post-commit &&
	snapshot disabled >before &&
	(cd disabled && git stats install && git commit -q --allow-empty -m d && git stats uninstall) &&
	test ! -e disabled.out &&
	snapshot disabled >after &&
	test_cmp before after
'

test_expect_success 'a relative core.hooksPath is honoured' '
	test_create_repo hp &&
	(cd hp && git config core.hooksPath .githooks && mkdir sub &&
	 (cd sub && git stats install) &&
	 test -x .githooks/post-commit && test ! -e .git/hooks/post-commit &&
	 test "$(git rev-parse --git-path hooks)" = .githooks &&
	 : >"$GIT_STATS_HOOK_TRACE" && git commit -q --allow-empty -m hp &&
	 grep post-commit "$GIT_STATS_HOOK_TRACE" &&
	 git stats doctor >out && grep "^hooks: OK.*\.githooks" out &&
	 git stats uninstall && test ! -e .githooks/post-commit)
'

test_expect_success 'an absolute core.hooksPath is honoured' '
	test_create_repo hpabs &&
	(cd hpabs && git config core.hooksPath "$TRASH_DIRECTORY/shared hooks" &&
	 git stats install && test -x "$TRASH_DIRECTORY/shared hooks/post-merge" &&
	 : >"$GIT_STATS_HOOK_TRACE" && git commit -q --allow-empty -m hp &&
	 grep post-commit "$GIT_STATS_HOOK_TRACE")
'

test_expect_success 'doctor fails when git no longer uses the hooks directory' '
	test_create_repo moved &&
	(cd moved && git stats install && git stats doctor >out && grep "^hooks: OK" out &&
	 git config core.hooksPath .husky/_ &&
	 test_expect_code 1 git stats doctor >out &&
	 grep "^hooks: FAIL: git runs hooks from .*\.husky/_.*run .git stats install." out &&
	 grep "^hook managers: OK (husky" out &&
	 git stats install && git stats doctor >out && grep "^hooks: OK" out)
'

test_expect_success 'doctor names what to run for each failing check' '
	test_create_repo bare-setup &&
	(cd bare-setup && test_expect_code 1 git stats doctor >out &&
	 grep "^hooks: FAIL: .*run .git stats install.$" out &&
	 grep "^merge driver: FAIL: .*run .git stats install.$" out &&
	 grep "^merge attribute: FAIL: .*run .git stats install.$" out &&
	 grep "^identity: OK" out && grep "^spool: OK" out &&
	 test_expect_code 1 git stats doctor --json >json &&
	 grep "\"ok\":[[:space:]]*false" json)
'

test_expect_success 'doctor reports a non-empty spool' '
	(cd plain && mkdir -p .git/stats/spool && echo "{}" >.git/stats/spool/r1.json &&
	 test_expect_code 1 git stats doctor >out &&
	 grep "^spool: FAIL: 1 record waiting.*run .git stats flush.$" out &&
	 rm -r .git/stats/spool)
'

test_expect_success 'doctor fails without an identity and names the fix' '
	(cd plain && git stats install >/dev/null &&
	 test_expect_code 1 env -u GIT_COMMITTER_NAME -u GIT_COMMITTER_EMAIL -u GIT_AUTHOR_NAME \
		-u GIT_AUTHOR_EMAIL git stats doctor >out &&
	 grep "^identity: FAIL: .*git-stats@localhost.*run .git config user.name" out &&
	 git config user.name "Doc Tor" && git config user.email doc@example.com &&
	 env -u GIT_COMMITTER_NAME -u GIT_COMMITTER_EMAIL -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL \
		git stats doctor >out &&
	 grep "^identity: OK (Doc Tor <doc@example.com>)" out)
'

test_expect_success 'doctor fails on drift and names verify --fix' '
	(cd plain && git stats new "Drifting" >/dev/null &&
	 git stats record 1 --input-tokens 10 --output-tokens 5 --model claude-sonnet-4-5 >/dev/null &&
	 git stats doctor >out && grep "^verify: OK (1 issue on .refs/heads/main. match" out &&
	 git stats set 1 run_count=7 >/dev/null &&
	 test_expect_code 1 git stats doctor >out &&
	 grep "^verify: FAIL: 1 of 1 issue on .refs/heads/main. do not match their run blocks: .issues/1-drifting.md.; run .git stats verify --fix.$" out &&
	 git stats verify --fix >/dev/null && git stats doctor >out && ! grep FAIL out)
'

test_expect_success 'install --shared writes .gitattributes' '
	test_create_repo shared &&
	(cd shared && git stats install --shared &&
	 grep "^issues/\*\.md merge=gitstats$" .gitattributes &&
	 test ! -e .git/info/attributes &&
	 git config stats.issuesDir tasks && git stats install --shared &&
	 grep "^tasks/\*\.md merge=gitstats$" .gitattributes &&
	 git stats uninstall && test ! -e .gitattributes)
'

test_expect_success 'an issues directory with a space gets a [[:space:]] pattern' '
	test_create_repo spaced &&
	printf "*.png binary\n" >spaced/.git/info/attributes &&
	snapshot spaced >before &&
	(cd spaced && git config stats.issuesDir "my tasks" && git stats install >out &&
	 grep "^my\[\[:space:\]\]tasks/\*\.md merge=gitstats$" .git/info/attributes &&
	 test "$(git check-attr merge -- "my tasks/1-a.md")" = "my tasks/1-a.md: merge: gitstats" &&
	 { git stats doctor >out || :; } && grep "^merge attribute: OK (.my tasks/1.md. has merge=gitstats)" out &&
	 git stats install >out && ! grep -v unchanged out &&
	 git stats uninstall && git config --unset stats.issuesDir) &&
	snapshot spaced >after &&
	test_cmp before after
'

test_expect_success 'wildcards and a leading ! or # in the issues directory are escaped' '
	test_create_repo special &&
	snapshot special >before &&
	(cd special && git config stats.issuesDir "!a*b" && git stats install --shared &&
	 grep "^\\\\!a\\\\\*b/\*\.md merge=gitstats$" .gitattributes &&
	 test "$(git check-attr merge -- "!a*b/1.md")" = "!a*b/1.md: merge: gitstats" &&
	 test "$(git check-attr merge -- "!axb/1.md")" = "!axb/1.md: merge: unspecified" &&
	 git stats uninstall && test ! -e .gitattributes &&
	 git config stats.issuesDir "#c?[d]" && git stats install &&
	 grep "^\\\\#c\\\\?\\\\\[d]/\*\.md merge=gitstats$" .git/info/attributes &&
	 test "$(git check-attr merge -- "#c?[d]/1.md")" = "#c?[d]/1.md: merge: gitstats" &&
	 test "$(git check-attr merge -- "#cx[d]/1.md")" = "#cx[d]/1.md: merge: unspecified" &&
	 { git stats doctor >out || :; } && grep "^merge attribute: OK" out &&
	 git stats uninstall && git config --unset stats.issuesDir) &&
	snapshot special >after &&
	test_cmp before after
'

test_expect_success 'a new issuesDir replaces the attribute line instead of adding one' '
	test_create_repo redir &&
	(cd redir && git stats install >/dev/null &&
	 printf "# git-stats: merge issue files with \047git stats merge-driver\047 (new file)\nold dir/*.md merge=gitstats\n" \
		>.git/info/attributes &&
	 git config stats.issuesDir tasks && git stats install >out &&
	 grep "^attribute .tasks/\*\.md merge=gitstats.: updated in" out &&
	 test "$(grep -c "merge=gitstats" .git/info/attributes)" = 1 &&
	 grep "^tasks/\*\.md merge=gitstats$" .git/info/attributes &&
	 git stats install >out && grep "attribute .* unchanged" out &&
	 git stats uninstall >/dev/null && test ! -e .git/info/attributes)
'

test_expect_success 'uninstall gives the attributes file back byte for byte' '
	test_create_repo attrs &&
	(cd attrs &&
	 printf "issues/*.md merge=gitstats\n" >.git/info/attributes &&
	 cp .git/info/attributes own.before &&
	 git stats install >out && grep "attribute .* unchanged" out &&
	 git stats uninstall >/dev/null && test_cmp own.before .git/info/attributes &&
	 : >.gitattributes &&
	 git stats install --shared >/dev/null && git stats uninstall >/dev/null &&
	 test -f .gitattributes && test ! -s .gitattributes &&
	 printf "*.png binary" >.gitattributes && cp .gitattributes nonl.before &&
	 git stats install --shared >/dev/null &&
	 grep "^\*\.png binary$" .gitattributes &&
	 git stats uninstall >/dev/null && test_cmp nonl.before .gitattributes &&
	 printf "*.png binary" >.gitattributes &&
	 git stats install --shared >/dev/null && echo "*.jpg binary" >>.gitattributes &&
	 git stats uninstall >/dev/null &&
	 printf "*.png binary\n*.jpg binary\n" >expect && test_cmp expect .gitattributes)
'

test_expect_success 'a refused install changes nothing: hooks, config and attributes' '
	test_create_repo refused &&
	(cd refused && git config stats.issuesDir ../elsewhere) &&
	snapshot refused >before &&
	(cd refused && test_expect_code 2 git stats install >../out 2>../err) &&
	test_line_count = 1 err &&
	grep "^git-stats: stats.issuesDir: .\.\./elsewhere. is not a directory inside the repository (see .git stats install -h.)$" err &&
	test ! -s out &&
	snapshot refused >after &&
	test_cmp before after &&
	(cd refused && git config --unset stats.issuesDir) &&
	echo "#!/bin/sh" >refused/.git/hooks/post-rewrite.pre-git-stats &&
	snapshot refused >before &&
	(cd refused && test_expect_code 1 git stats install >../out 2>../err) &&
	test_line_count = 1 err &&
	grep "post-rewrite.pre-git-stats. exists without its wrapper" err &&
	snapshot refused >after &&
	test_cmp before after &&
	git init -q --bare refused.git &&
	snapshot refused.git "hooks info config" >before &&
	(cd refused.git && test_expect_code 2 git stats install --shared 2>../err) &&
	grep "^git-stats: --shared needs a work tree" err &&
	snapshot refused.git "hooks info config" >after &&
	grep "^config " after &&
	test_cmp before after
'

test_expect_success 'without git-stats on PATH install sets alias.stats' '
	test_create_repo nopath &&
	(cd nopath &&
	 PATH=$(echo "$PATH" | sed -e "s|$GS_BUILD_DIR:||" -e "s|$TRASH_DIRECTORY/.vg-bin:||") &&
	 ! command -v git-stats &&
	 "$GS_BUILD_DIR/git-stats" install &&
	 test "$(git config alias.stats)" = "!'"'"'$GS_BUILD_DIR/git-stats'"'"'" &&
	 case "$(git config merge.gitstats.driver)" in "'"'"'$GS_BUILD_DIR/git-stats'"'"' merge-driver %O %A %B %P") ;; *) exit 1;; esac &&
	 git stats --version | grep "^git-stats version" &&
	 git stats doctor | grep "^command: OK (alias.stats" &&
	 git stats uninstall && test_must_fail git config alias.stats)
'

test_expect_success 'install in a bare repository, --shared refused' '
	git init -q --bare bare.git &&
	(cd bare.git && git stats install && test -x hooks/post-commit &&
	 grep "merge=gitstats" info/attributes &&
	 test_expect_code 2 git stats install --shared 2>err && grep "^git-stats: --shared" err)
'

test_expect_success 'outside a repository install fails with one line' '
	mkdir nowhere && (cd nowhere && GIT_CEILING_DIRECTORIES="$TRASH_DIRECTORY" &&
	 export GIT_CEILING_DIRECTORIES &&
	 test_expect_code 1 git-stats install 2>err && test_line_count = 1 err)
'

test_expect_success 'unknown install options are usage errors' '
	(cd plain && test_expect_code 2 git stats install --frob 2>err && grep "^git-stats: install: unknown" err)
'

test_done
