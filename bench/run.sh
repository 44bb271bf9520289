#!/usr/bin/env bash
# Benchmarks, bounded for a shared 2-core machine:
#   bench/run.sh            micro-benchmarks (BenchmarkDotNet ShortRun) then the end-to-end webhook load
#   bench/run.sh micro      only the micro-benchmarks          (extra args go to BenchmarkDotNet, e.g. --filter '*Webhook*')
#   bench/run.sh webhooks   only the ingest bench (issue 10): COUNT webhooks (600) at each of SENDERS (1,16,64,256)
#                           for (a) the app end to end, (b) its ingest path alone, (c) a plain-SDK baseline, plus
#                           create-intent latency and a ReadyToRun publish's start to first 200
#   bench/run.sh runtime-settings   the app end to end (a) once per documented runtime setting (GC flavour,
#                           GCConserveMemory, DATAS, tiering, W^X), in turns at SENDERS (16,64): peak RSS and throughput
#   bench/run.sh reconcile  COUNT (20000) missed events reconciled from the emulator by the app's windowed reconciliation
#                           and by the list-everything-first baseline: events/s, peak RSS growth, checkpoints per window,
#                           storage round trips per event (issue 18)
# Everything binds 127.0.0.1; the load starts its own Azurite, emulator and servers and stops them when done.
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
dotnet build tools/StripeEmulator/StripeEmulator.csproj -c Release -nologo -v quiet

if [ "$mode" = all ] || [ "$mode" = micro ]; then
  echo "==> micro-benchmarks (ShortRun: 1 launch, 3 warm-up, 3 measured iterations)"
  # Extra arguments (e.g. --filter '*Verify*') replace the default "run everything" filter.
  [ $# -gt 0 ] || set -- --filter '*'
  timeout 900 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    --job short --memory --artifacts bench/BenchmarkDotNet.Artifacts "$@"
fi

if [ "$mode" = all ] || [ "$mode" = webhooks ]; then
  echo "==> ReadyToRun publish (for the start-up measurement)"
  export PUBLISH_DIR="$PWD/bench/.publish"
  dotnet publish src/PaymentFunctions/PaymentFunctions.csproj -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$PUBLISH_DIR" -nologo -v quiet
  echo "==> ingest bench ($(date -u +%FT%TZ), nproc $(nproc))"
  timeout 1500 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    webhooks "${COUNT:-600}" "${SENDERS:-1,16,64,256}"
fi

if [ "$mode" = runtime-settings ]; then
  echo "==> runtime-settings bench ($(date -u +%FT%TZ), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 1200 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    runtime-settings "${COUNT:-600}" "${SENDERS:-16,64}"
fi

if [ "$mode" = reconcile ]; then
  echo "==> reconciliation bench ($(date -u +%FT%TZ), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 1500 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    reconcile "${COUNT:-20000}" "${WARM:-500}"
fi
