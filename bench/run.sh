#!/usr/bin/env bash
# Benchmarks, bounded for a shared 2-core machine:
#   bench/run.sh            micro-benchmarks (BenchmarkDotNet ShortRun) then the end-to-end webhook load
#   bench/run.sh micro      only the micro-benchmarks          (extra args go to BenchmarkDotNet, e.g. --filter '*Webhook*')
#   bench/run.sh webhooks   only the ingest bench (issue 10): COUNT webhooks (600) at each of SENDERS (1,16,64,256)
#                           for (a) the app end to end, (b) its ingest path alone, (c) a plain-SDK baseline, plus
#                           create-intent latency and a ReadyToRun publish's start to first 200
#   bench/run.sh sweep      the outbox sweep's storage reads at 1x, 5x and 10x BOOKINGS (1000) settled bookings with the
#                           same PENDING (20) causes left behind: the old whole-table scan against the pending-index read
#   bench/run.sh backfill   issue 19's one-off: the retention backfill over BOOKINGS (5000) bookings of an earlier version
#                           (3 inbox rows each, a key per 5, a record per 10) in pages of PAGE (200), then the retention
#                           runs 91 days later: calls, reads, entities read and writes of each; exit 1 if inbox rows remain
#   bench/run.sh runtime-settings   the app end to end (a) once per documented runtime setting (GC flavour,
#                           GCConserveMemory, DATAS, tiering, W^X), in turns at SENDERS (16,64): peak RSS and throughput
#   bench/run.sh expiry     issue 18's expiry target: COUNT (300) holds ending together on INSTANCES (2) instances
#                           sharing one Azurite, Stripe answering each cancel in STRIPE_MS (200); exit 1 if not all
#                           CANCELLED and canceled at Stripe within 15 s of the last hold's end
#   bench/run.sh expiry-reads   entities an expiry run reads with DUE (100) holds due beside 1x, 5x, 10x RUNNING (2000)
#   bench/run.sh onsale     issue 18's on-sale: COUNT (20000) buyers (one user each) book and take an intent on INSTANCES
#                           (2) instances, PAID (10) percent pay (the emulator's signed webhooks), the rest expire;
#                           Stripe STRIPE_MS (200) a request from the start, CONCURRENCY (32) buyers at once; checks
#                           every booking's and every intent's end state
#   bench/run.sh intents    issue 18: CONCURRENCY (8,32,128) intent creations at once for distinct bookings and users,
#                           every Stripe request delayed STRIPE_DELAY_MS (250) at the emulator, ROUNDS (3) rounds, the
#                           app as built now against the app at BEFORE (7c16465, Stripe calls still under KeyedGates),
#                           built from git archive in $TMPDIR
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

if [ "$mode" = intents ]; then
  before="${BEFORE:-7c16465}"
  # Outside the repository, so the tests that scan its folders (one host.json, the import order) never see it.
  before_dir="${TMPDIR:-/tmp}/pf-bench-before-$before"
  echo "==> the app at $before, built in $before_dir"
  rm -rf "$before_dir" && mkdir -p "$before_dir"
  git archive "$before" src Directory.Build.props Directory.Packages.props global.json host.json .editorconfig | tar -x -C "$before_dir"
  dotnet build "$before_dir/src/PaymentFunctions/PaymentFunctions.csproj" -c Release -nologo -v quiet
  echo "==> intent concurrency bench ($(date -u +%FT%TZ), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg), HEAD $(git rev-parse --short HEAD))"
  timeout 1200 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    intents "$before_dir/src/PaymentFunctions/bin/Release/net10.0" src/PaymentFunctions/bin/Release/net10.0 \
    "${CONCURRENCY:-8,32,128}" "${STRIPE_DELAY_MS:-250}" "${ROUNDS:-3}"
fi

if [ "$mode" = sweep ]; then
  echo "==> outbox sweep bench ($(date -u +%FT%TZ), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 1200 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    sweep "${BOOKINGS:-1000}" "${PENDING:-20}"
fi

if [ "$mode" = backfill ]; then
  echo "==> retention backfill bench ($(date -u +%FT%TZ), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 1200 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    backfill "${BOOKINGS:-5000}" "${PAGE:-200}"
fi

if [ "$mode" = runtime-settings ]; then
  echo "==> runtime-settings bench ($(date -u +%FT%TZ), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 1200 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    runtime-settings "${COUNT:-600}" "${SENDERS:-16,64}"
fi

if [ "$mode" = expiry ]; then
  echo "==> expiry bench ($(date -u +%FT%TZ), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 900 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    expiry "${COUNT:-300}" "${INSTANCES:-2}" "${STRIPE_MS:-200}"
fi

if [ "$mode" = onsale ]; then
  echo "==> on-sale bench ($(date -u +%FT%TZ), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 3000 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    onsale "${COUNT:-20000}" "${PAID:-10}" "${INSTANCES:-2}" "${STRIPE_MS:-200}" "${CONCURRENCY:-32}"
fi

if [ "$mode" = expiry-reads ]; then
  timeout 600 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    expiry-reads "${RUNNING:-2000}" "${DUE:-100}"
fi

if [ "$mode" = reconcile ]; then
  echo "==> reconciliation bench ($(date -u +%FT%TZ), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 1500 dotnet bench/PaymentFunctions.Bench/bin/Release/net10.0/PaymentFunctions.Bench.dll \
    reconcile "${COUNT:-20000}" "${WARM:-500}"
fi
