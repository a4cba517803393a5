#!/usr/bin/env bash
# Runs the conformance and fault files RUNS times in a row (default 10) while stress-ng keeps every core busy
# at 100%, the CPU contention under which a hub-and-leaf test once timed out. Prints a line per run (tests
# passed and failed, the failing files with each failure's first line, minutes taken) and a closing
# `N of M runs green`; exits 1 unless all are. A red run's JSON report is kept and its path printed.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
if ! command -v stress-ng >/dev/null 2>&1; then
  echo "stress-ng is not installed: apt-get install -y stress-ng" >&2
  exit 2
fi
# The partition tests' nats-server (see the script); a no-op once fetched.
bash scripts/fetch-current-server.sh >/dev/null
cores=$(nproc)
stress-ng --cpu "$cores" --cpu-load 100 --timeout 0 --quiet &
hog=$!
report=$(mktemp)
kept=${TMPDIR:-/tmp}/stress-reports-$(date +%Y%m%dT%H%M%S)
trap 'kill "$hog" 2>/dev/null; rm -f "$report"' EXIT
echo "conformance and fault files, $runs runs, stress-ng --cpu $cores at 100% alongside"
green=0
for run in $(seq 1 "$runs"); do
  started=$(date +%s)
  npx vitest run --project conformance --project faults --reporter=json --outputFile.json="$report" >/dev/null 2>&1
  minutes=$(awk -v s="$(( $(date +%s) - started ))" 'BEGIN { printf "%.1f", s / 60 }')
  line=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const failed = r.testResults.filter((f) => f.status !== "passed").map((f) => require("path").relative(process.cwd(), f.name));
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${failed.length ? `; failing: ${failed.join(", ")}` : ""}`);
    // The first line of each failure, so a run that went red says why without the report.
    for (const file of r.testResults) for (const test of file.assertionResults) {
      if (test.status === "failed") console.log(`  ${test.title}: ${String(test.failureMessages[0] ?? "").split("\n")[0]}`);
    }
    if (failed.length && r.testResults.every((file) => file.assertionResults.every((test) => test.status !== "failed"))) console.log(`  ${r.testResults.filter((f) => f.status !== "passed").map((f) => String(f.message).split("\n")[0]).join("; ")}`);
    process.exit(r.success && failed.length === 0 ? 0 : 1);
  ' "$report")
  ok=$?
  [ "$ok" -eq 0 ] && green=$((green + 1))
  echo "run $run: $line, ${minutes} min"
  # A red run's whole report (every failure's message and stack) is kept for reading afterwards.
  if [ "$ok" -ne 0 ]; then
    mkdir -p "$kept"
    cp "$report" "$kept/run-$run.json"
    echo "  report: $kept/run-$run.json"
  fi
done
echo "$green of $runs runs green"
[ "$green" -eq "$runs" ]
