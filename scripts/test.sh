#!/usr/bin/env bash
# Runs the whole suite and ends with the plain line `N passed, N failed` that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
typecheck_output=$(mktemp)
# Vitest strips types without checking them, so the type check (program, components, tools and tests) runs too.
# It runs beside the first test files, which leave a core idle often enough to take its ~20 s of one core, and
# ends long before the fault tests, which vitest runs last and alone; its output follows the tests'.
node_modules/.bin/tsc -p tsconfig.test.json >"$typecheck_output" 2>&1 &
typecheck_pid=$!
# Interrupted, the script takes the type check down with it (a background job ignores the terminal's Ctrl-C).
trap 'kill "$typecheck_pid" 2>/dev/null; rm -f "$report" "$typecheck_output"' EXIT
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?
wait "$typecheck_pid"
typecheck=$?
cat "$typecheck_output"
[ "$typecheck" -eq 0 ] && echo "type check passed"
[ "$typecheck" -ne 0 ] && status=$typecheck
node_modules/.bin/tsx scripts/test-summary.ts "$report" "$typecheck"
if [ "$status" -ne 0 ]; then exit "$status"; fi
