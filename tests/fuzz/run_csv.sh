#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the CSV reader's libFuzzer target (tests/fuzz/fuzz_csv.c with
# import/csv.c) using clang with -fsanitize=fuzzer,address,undefined and
# runs it for a bounded time. Usage: tests/fuzz/run_csv.sh [seconds]
# (default 60). New inputs go to build-fuzz/corpus-csv; crashes are written
# to build-fuzz/ and make the script fail.
set -eu
cd "$(dirname "$0")/../.."

secs=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus-csv"

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is missing (Debian: apt-get install clang)" >&2
	exit 1
fi

clang -g -O1 -std=c17 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iinclude -Iimport tests/fuzz/fuzz_csv.c import/csv.c -o "$out/fuzz_csv"

# Seeds: the sample files of the CLI tests, with a leading options byte.
for f in tests/data/import/*.csv; do
	{ printf ','; cat "$f"; } >"$out/corpus-csv/seed-$(basename "$f")"
done

"./$out/fuzz_csv" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus-csv"
