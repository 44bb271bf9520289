#!/usr/bin/env bash
# The long fuzz run of issue 12: the suite's two CsCheck fuzz tests (signed hostile webhooks, hostile SPA API calls)
# at FUZZ_SCALE times their suite size (1,504 inputs each). bench/fuzz.sh 4 runs about 12,000 inputs.
# Every input: never a 5xx, every app-shaped 4xx problem+json, nothing stored for a refused one, no secret answered
# or logged. A failure prints the CsCheck seed; rerun with CsCheck_Seed=<seed> bench/fuzz.sh <scale>.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-4}"

if [ ! -x node_modules/.bin/azurite-table ] || [ ! -d node_modules/stripe ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

dotnet build PaymentFunctions.sln -c Release -nologo -v quiet
FUZZ_SCALE="$scale" dotnet test tests/PaymentFunctions.Tests/PaymentFunctions.Tests.csproj -c Release --no-build -nologo \
  --filter "FullyQualifiedName~Fuzz.WebhookFuzzTests|FullyQualifiedName~Fuzz.ApiFuzzTests" \
  --logger "console;verbosity=detailed" | grep -E "generated (webhooks|API calls)|Passed!|Failed!|Failed |Error Message" 
