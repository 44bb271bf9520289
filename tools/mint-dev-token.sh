#!/usr/bin/env bash
# Mints an HS256 development token the app accepts outside Production (issuer paymentfunctions-dev).
#   tools/mint-dev-token.sh <user-id> [lifetime-seconds]
# The key is Auth:DevSigningKey: $AUTH_DEV_SIGNING_KEY if set, else the one in appsettings.Development.json.
# The audience is $AUTH_AUDIENCE, default paymentfunctions.
set -euo pipefail

user="${1:?usage: $0 <user-id> [lifetime-seconds]}"
lifetime="${2:-3600}"
here="$(cd "$(dirname "$0")" && pwd)"
key="${AUTH_DEV_SIGNING_KEY:-$(sed -n 's/.*"DevSigningKey": *"\([^"]*\)".*/\1/p' "$here/../src/PaymentFunctions/appsettings.Development.json")}"
audience="${AUTH_AUDIENCE:-paymentfunctions}"
[[ -n "$key" ]] || { echo "no Auth:DevSigningKey found" >&2; exit 1; }
[[ "$user" =~ ^[A-Za-z0-9._@-]+$ ]] || { echo "user id: letters, digits and . _ @ - only" >&2; exit 1; }

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now="$(date +%s)"
header="$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)"
payload="$(printf '{"iss":"paymentfunctions-dev","aud":"%s","sub":"%s","iat":%d,"nbf":%d,"exp":%d}' \
  "$audience" "$user" "$now" "$now" "$((now + lifetime))" | b64url)"
signature="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$key" -binary | b64url)"
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
