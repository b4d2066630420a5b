#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the mapping files' libFuzzer target (tests/fuzz/fuzz_mapping.c with
# the mapping compiler and transforms, and the engine's value code) using
# clang with -fsanitize=fuzzer,address,undefined, and runs it for a bounded
# time. Usage: tests/fuzz/run_mapping.sh [seconds] (default 60). Seeds are
# the example mappings, each followed by a NUL and a sample value.
set -eu
cd "$(dirname "$0")/../.."

secs=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus-mapping"

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is missing (Debian: apt-get install clang)" >&2
	exit 1
fi

clang -g -O1 -std=c17 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iinclude -Iengine -Iimport tests/fuzz/fuzz_mapping.c import/mapping_parse.c \
	import/mapping_transform.c engine/value.c engine/temporal.c engine/tz.c engine/error.c \
	engine/util.c \
	$(pkg-config --cflags --libs jansson libutf8proc lmdb) -lm -o "$out/fuzz_mapping"

for f in examples/mappings/*.json examples/networks/*.json; do
	{ cat "$f"; printf '\000 12.345,67 31/02/2024 +49 (0)40 1234-5678 DE 123.456.789'; } \
		>"$out/corpus-mapping/seed-$(basename "$f")"
done

"./$out/fuzz_mapping" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=8192 -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus-mapping"
