#!/usr/bin/env bash
# Benchmarks, bounded for a shared 2-core machine:
#   bench/run.sh            micro-benchmarks (BenchmarkDotNet ShortRun) then the end-to-end webhook load
#   bench/run.sh micro      only the micro-benchmarks          (extra args go to BenchmarkDotNet, e.g. --filter '*Webhook*')
#   bench/run.sh webhooks   only the load: COUNT (500), CONCURRENCY (8), MAX_SECONDS (180)
# Everything binds 127.0.0.1; the load starts its own Azurite and app and stops them when done.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-all}"
[ $# -gt 0 ] && shift

if [ ! -x node_modules/.bin/azurite-table ]; then
  echo "==> npm ci (Azurite)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "==> dotnet build (Release)"
dotnet build bench/PaymentFunctions.Bench/PaymentFunctions.Bench.csproj -c Release -nologo -v quiet

if [ "$mode" = all ] || [ "$mode" = micro ]; then
  echo "==> micro-benchmarks (ShortRun: 1 launch, 3 warm-up, 3 measured iterations)"
  # Extra arguments (e.g. --filter '*Verify*') replace the default "run everything" filter.
  [ $# -gt 0 ] || set -- --filter '*'
  timeout 900 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    --job short --memory --artifacts bench/BenchmarkDotNet.Artifacts "$@"
fi

if [ "$mode" = all ] || [ "$mode" = webhooks ]; then
  echo "==> end-to-end webhook load"
  timeout $(( ${MAX_SECONDS:-180} + 120 )) dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    webhooks "${COUNT:-500}" "${CONCURRENCY:-8}" "${MAX_SECONDS:-180}"
fi
