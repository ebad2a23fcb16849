#!/usr/bin/env bash
# The project's one test command (README, .ci/run): formatting, build, every test suite.
# It installs or starts what the tests need, then prints one closing line "Tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== services (nats-server, influxd, chromium on loopback)"
eval "$(bash scripts/services.sh start)"

echo "== restore"
dotnet restore Xainomaly.slnx -v q

echo "== format (dotnet format --verify-no-changes)"
dotnet format Xainomaly.slnx --verify-no-changes --no-restore

echo "== build (Release, warnings are errors)"
dotnet build Xainomaly.slnx -c Release --no-restore -v q -nologo

echo "== tests"
results=$(mktemp -d)
status=0
dotnet test Xainomaly.slnx -c Release --no-build --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" || status=$?

passed=0 failed=0 skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  fl=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${fl:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
rm -rf "$results"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ]
