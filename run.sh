#!/usr/bin/env bash
# The README's run command: installs what is missing, starts Azurite (tables), the Stripe emulator
# (unless a real sk_test_ key is configured) and the app in Development on http://127.0.0.1:7071.
# Ctrl-C (SIGINT) or SIGTERM stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")"

APP_URL=http://127.0.0.1:7071
AZURITE_PORT=10002
EMULATOR_URL=http://127.0.0.1:12111
mkdir -p .run
pids=()

cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped."
}
trap cleanup INT TERM EXIT

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ ! -x node_modules/.bin/azurite-table ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "==> dotnet build"
dotnet build src/PaymentFunctions/PaymentFunctions.csproj -c Debug -nologo -v quiet
dotnet build tools/StripeEmulator/StripeEmulator.csproj -c Debug -nologo -v quiet

if answers "$AZURITE_PORT"; then
  echo "Azurite: already answering on 127.0.0.1:$AZURITE_PORT (reusing it)"
else
  node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$AZURITE_PORT" \
    --location .run/azurite --skipApiVersionCheck --disableTelemetry >.run/azurite.log 2>&1 &
  pids+=($!)
  echo "Azurite: table service on http://127.0.0.1:$AZURITE_PORT (log .run/azurite.log)"
fi

if [[ "${Stripe__SecretKey:-}" == sk_test_* ]]; then
  echo "Stripe: real test mode (Stripe__SecretKey is an sk_test_ key)"
  [[ "${Demo__StripePublishableKey:-}" == pk_test_* ]] \
    || echo "Demo page: set Demo__StripePublishableKey to the same account's pk_test_ key to pay in the page"
else
  export Stripe__ApiBase="$EMULATOR_URL"
  export Stripe__SecretKey="sk_test_emulator"
  export Stripe__WebhookSecrets__0="whsec_emulator_development_only"
  ASPNETCORE_ENVIRONMENT=Development Emulator__WebhookUrl="$APP_URL/api/webhooks/stripe" \
    Emulator__WebhookSecret="$Stripe__WebhookSecrets__0" \
    dotnet tools/StripeEmulator/bin/Debug/net10.0/StripeEmulator.dll --urls "$EMULATOR_URL" >.run/stripe-emulator.log 2>&1 &
  pids+=($!)
  echo "Stripe: emulator on $EMULATOR_URL (development only; log .run/stripe-emulator.log)"
fi

ASPNETCORE_ENVIRONMENT=Development dotnet src/PaymentFunctions/bin/Debug/net10.0/PaymentFunctions.dll \
  --contentRoot "$PWD/src/PaymentFunctions" --urls "$APP_URL" &
pids+=($!)
echo "App: $APP_URL (health: $APP_URL/api/health) - Ctrl-C stops everything"
echo "Demo: open $APP_URL/ to sign in, book and pay (Development only)"
wait -n "${pids[@]}"
