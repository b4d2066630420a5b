#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the query parser's libFuzzer target (tests/fuzz/fuzz_parser.c, with
# the query/ sources and engine/util.c) using clang with
# -fsanitize=fuzzer,address,undefined, then runs it over the seed corpus
# for a bounded time. Usage: tests/fuzz/run.sh [seconds] (default 60).
# New inputs go to build-fuzz/corpus, never into the committed seeds;
# crashes are written to build-fuzz/ and make the script fail.
set -eu
cd "$(dirname "$0")/../.."

secs=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus"

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is missing (Debian: apt-get install clang)" >&2
	exit 1
fi

clang -g -O1 -std=c17 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iinclude -Iengine -Iquery \
	tests/fuzz/fuzz_parser.c query/lexer.c query/ast.c query/parser.c \
	query/parser_pattern.c query/parser_expr.c engine/util.c \
	-lpthread -o "$out/fuzz_parser"

# -rss_limit_mb keeps a runaway input from eating the machine; -timeout
# flags inputs that take over 10 s (the parser is linear-time by design).
"./$out/fuzz_parser" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -dict=tests/fuzz/cypher.dict -artifact_prefix="$out/" \
	-print_final_stats=1 "$out/corpus" tests/fuzz/corpus
