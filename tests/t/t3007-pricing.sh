#!/bin/sh
# git stats pricing: the effective table, the override file and its
# sources, dated names, costs computed from it.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_create_repo repo && cd repo &&
	mkdir issues &&
	printf -- "---\nid: 1\n---\n# One\n" >issues/1.md &&
	git add issues && git commit -q -m issues
'

test_expect_success 'the built-in table lists all three providers' '
	cd repo &&
	git stats pricing >out &&
	grep "pricing file: none" out &&
	grep "^anthropic  *claude-sonnet-4-5  *3  *15  *0.3  *3.75  *6  *builtin$" out &&
	grep "^openai  *gpt-4o  " out &&
	grep "^google  *gemini-2.5-pro  " out
'

test_expect_success 'dated and aliased names find their base row' '
	cd repo &&
	git stats pricing claude-sonnet-4-5-20250929 gpt-4o-2024-08-06 gpt-5-pro >out &&
	grep "^claude-sonnet-4-5-20250929  *anthropic  *claude-sonnet-4-5 " out &&
	grep "^gpt-4o-2024-08-06  *openai  *gpt-4o " out &&
	grep "^gpt-5-pro .*unknown" out
'

test_expect_success 'the pricing file in the work tree overrides and extends' '
	cd repo &&
	mkdir -p .gitstats &&
	cat >.gitstats/pricing.yml <<-\EOF &&
	# negotiated
	models:
	  gpt-4o: {input: 2, output: 8}
	  acme-coder: {provider: acme, input: 1, output: 2, cache_read: 0.1, cache_write: 1.5}
	EOF
	git stats pricing >out &&
	grep "pricing file: .\.gitstats/pricing.yml. in the work tree" out &&
	grep "^openai  *gpt-4o  *2  *8  *2  *2  *2  *file$" out &&
	grep "^acme  *acme-coder  *1  *2  *0.1  *1.5  *1.5  *file$" out &&
	git stats pricing --json >out.json &&
	grep "\"source\":[^\"]*\"file\"" out.json
'

test_expect_success 'record prices runs with the override file' '
	cd repo &&
	git stats record 1 --input-tokens 1000000 --output-tokens 1000000 --model acme-coder-2026-01-01 \
		--run-id priced-1 &&
	test "$(git stats fm get issues/1.md total_cost_usd)" = 3
'

test_expect_success 'without a work-tree copy the file is read from the target ref' '
	cd repo &&
	git add .gitstats && git commit -q -m prices &&
	rm .gitstats/pricing.yml &&
	git stats pricing >out &&
	grep "at refs/heads/main" out &&
	grep "^acme  *acme-coder" out &&
	git checkout -q -- .gitstats
'

test_expect_success 'stats.pricingFile names another file' '
	cd repo &&
	printf "models:\n  other-model: {input: 4, output: 4}\n" >prices.yml &&
	git config stats.pricingFile prices.yml &&
	git stats pricing other-model >out &&
	grep "^other-model  *unknown  *other-model  *4" out &&
	git config --unset stats.pricingFile
'

test_expect_success 'a misspelt top-level key is an error, not dropped overrides' '
	cd repo &&
	printf "modls:\n  x: {input: 1, output: 2}\n" >.gitstats/pricing.yml &&
	test_expect_code 1 git stats pricing 2>err &&
	grep "^git-stats: cannot parse .\.gitstats/pricing.yml. at line 1: unknown key .modls." err &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 git stats record 1 --input-tokens 1 --model x 2>err &&
	grep "modls" err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'a bad pricing file is an error naming file and line' '
	cd repo &&
	printf "models:\n  x:\n    input: 1\n    output: cheap\n" >.gitstats/pricing.yml &&
	test_expect_code 1 git stats pricing 2>err &&
	grep "^git-stats: cannot parse .\.gitstats/pricing.yml. at line 4" err &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 git stats record 1 --input-tokens 1 --model x 2>err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'with --best-effort a bad pricing file spools the run, priced at flush' '
	cd repo &&
	git stats record 1 --input-tokens 1000000 --model gpt-4o --run-id later-1 --best-effort 2>err &&
	grep "warning" err &&
	test -f .git/stats/spool/later-1.json &&
	test_expect_code 1 git stats flush >out 2>err &&
	grep "later-1.json.*pricing.yml" err &&
	test -f .git/stats/spool/later-1.json &&
	git checkout -q -- .gitstats &&
	git stats flush &&
	grep "\"run_id\":\"later-1\".*\"cost_usd\":2}" issues/1.md
'

test_expect_success 'a spooled multi-model result gets its main model when priced at flush' '
	cd repo &&
	printf "models:\n  x:\n    input: 1\n    output: cheap\n" >.gitstats/pricing.yml &&
	echo "{\"type\":\"result\",\"duration_ms\":2000,\"num_turns\":2,\"usage\":{\"input_tokens\":2000000,\"output_tokens\":0},\"modelUsage\":{\"claude-haiku-4-5\":{\"inputTokens\":1000000,\"outputTokens\":0},\"claude-opus-4-1\":{\"inputTokens\":1000000,\"outputTokens\":0}},\"uuid\":\"split-1\"}" |
		git stats record 1 --json - --best-effort 2>err &&
	test -f .git/stats/spool/split-1.json &&
	git checkout -q -- .gitstats &&
	git stats flush &&
	grep "\"run_id\":\"split-1\",\"started_at\":\"[^\"]*\",\"model\":\"claude-opus-4-1\"" issues/1.md
'

test_done
