#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, runs every test.
# Tests start and stop their own Azurite and loopback fakes on free ports.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/azurite-table ] || [ ! -d node_modules/stripe ]; then
  echo "==> npm ci (Azurite, stripe-node for tests)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "==> dotnet restore (locked: exactly the versions in each project's packages.lock.json)"
dotnet restore PaymentFunctions.sln --locked-mode -nologo -v quiet

echo "==> dotnet build"
dotnet build PaymentFunctions.sln -c Release --no-restore -nologo -v quiet

echo "==> dotnet test"
rm -rf TestResults
dotnet test tests/PaymentFunctions.Tests/PaymentFunctions.Tests.csproj -c Release --no-build -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" --results-directory TestResults "$@"
