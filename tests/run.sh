#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite, as the README's second command and CI run it:
# installs missing dependencies, builds with warnings as errors, runs the
# unit and CLI suites, then builds again with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit suites there, then fuzzes the
# query parser for 30 s (DN_FUZZ_SECONDS). Ends with one
# line "tests: N passed, M failed" and exits non-zero if anything failed.
set -eu
cd "$(dirname "$0")/.."

sh tests/deps.sh

run_suites() { # build-dir suites...
	dir=$1
	shift
	args=""
	for s in "$@"; do args="$args --suite $s"; done
	# shellcheck disable=SC2086
	meson test -C "$dir" $args --print-errorlogs --num-processes 2 || true
}

count() { # build-dir -> "passed failed"
	python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, re, sys
# Counts test cases, not executables: Criterion's "Synthesis" line and the
# CLI runner's "N passed, M failed" line give the cases inside each test.
ok = bad = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    out = (r.get("stdout") or "") + (r.get("stderr") or "")
    if r.get("name", "").endswith("tck / tck"):
        # the TCK runner's own line counts the backlog; the test passes
        # when the baseline holds, and counts as one
        tck = re.findall(r"^(\d+) passed, (\d+) failed, (\d+) skipped", out, re.M)
        if tck:
            print("tck: %s passed, %s failed, %s skipped (openCypher scenarios)" % tck[-1], file=sys.stderr)
        out = ""
    m = re.findall(r"Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| Crashing: (\d+)", out)
    p = re.findall(r"^(\d+) passed, (\d+) failed", out, re.M)
    passed_exe = r.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
    if m:
        t, pa, fa, cr = map(int, m[-1])
        ok += pa
        bad += fa + cr + (0 if passed_exe or fa + cr else 1)
    elif p:
        pa, fa = map(int, p[-1])
        ok += pa
        bad += fa + (0 if passed_exe or fa else 1)
    else:
        ok += passed_exe
        bad += not passed_exe
print(ok, bad)
PY
}

[ -d build ] || meson setup build --werror
ninja -C build
run_suites build unit cli examples tck queries networks
set -- $(count build)
passed=$1
failed=$2

[ -d build-asan ] || meson setup build-asan --werror -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	run_suites build-asan unit
set -- $(count build-asan)
passed=$((passed + $1))
failed=$((failed + $2))

# the fuzz targets, each for a bounded time (libFuzzer; crashes fail them):
# the Cypher parser, the CSV reader, the mapping-file compiler and loader
fuzz() { # name script seconds
	if sh "$2" "$3" > "build/fuzz-$1.log" 2>&1; then
		passed=$((passed + 1))
		echo "fuzz: $1 ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "build/fuzz-$1.log" | grep -o '[0-9]*$') runs)"
	else
		failed=$((failed + 1))
		echo "fuzz: $1 FAILED, see build/fuzz-$1.log"
		tail -30 "build/fuzz-$1.log"
	fi
}
fuzz parser tests/fuzz/run.sh "${DN_FUZZ_SECONDS:-30}"
fuzz csv tests/fuzz/run_csv.sh "${DN_FUZZ_SECONDS_CSV:-10}"
fuzz mapping tests/fuzz/run_mapping.sh "${DN_FUZZ_SECONDS_MAPPING:-10}"

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
