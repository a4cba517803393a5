#!/usr/bin/env bash
# Runs the whole suite and ends with the plain line `N passed, N failed` that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
# Vitest strips types without checking them, so the type check (program, components, tools and tests) runs first.
npx tsc -p tsconfig.test.json
typecheck=$?
[ "$typecheck" -eq 0 ] && echo "type check passed"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?
[ "$typecheck" -ne 0 ] && status=$typecheck
node -e '
  const fs = require("fs");
  let r = {};
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch {}
  // A file that fails to load has no tests to count, so count each such file as one failure.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
  const typecheckFailed = process.argv[2] === "0" ? 0 : 1;
  const failed = (r.numFailedTests ?? 0) + brokenFiles + typecheckFailed;
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${r.numPassedTests ?? 0} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" "$typecheck"
if [ "$status" -ne 0 ]; then exit "$status"; fi
