#!/usr/bin/env bash
# Mints an HS256 development token the app accepts in Development only (issuer paymentfunctions-dev).
#   tools/mint-dev-token.sh <user-id> [lifetime-seconds] [--role <role>]...
#   e.g. tools/mint-dev-token.sh staff-1 --role payments.admin   (staff refunds: POST /api/admin/bookings/{id}/refunds)
# Roles go in the "roles" claim, as Entra ID puts app roles there.
# The key is Auth:DevSigningKey: $AUTH_DEV_SIGNING_KEY if set, else the one in appsettings.Development.json.
# The audience is $AUTH_AUDIENCE, default paymentfunctions.
set -euo pipefail

usage="usage: $0 <user-id> [lifetime-seconds] [--role <role>]..."
user="${1:?$usage}"
shift
lifetime=3600
roles=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --role) [[ $# -ge 2 ]] || { echo "$usage" >&2; exit 1; }
            [[ "$2" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "role: letters, digits and . _ - only" >&2; exit 1; }
            roles+=("\"$2\""); shift 2 ;;
    *)      [[ "$1" =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 1; }
            lifetime="$1"; shift ;;
  esac
done
here="$(cd "$(dirname "$0")" && pwd)"
key="${AUTH_DEV_SIGNING_KEY:-$(sed -n 's/.*"DevSigningKey": *"\([^"]*\)".*/\1/p' "$here/../src/PaymentFunctions/appsettings.Development.json")}"
audience="${AUTH_AUDIENCE:-paymentfunctions}"
[[ -n "$key" ]] || { echo "no Auth:DevSigningKey found" >&2; exit 1; }
[[ "$user" =~ ^[A-Za-z0-9._@-]+$ ]] || { echo "user id: letters, digits and . _ @ - only" >&2; exit 1; }

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now="$(date +%s)"
claims=""
if [[ ${#roles[@]} -gt 0 ]]; then
  claims="$(IFS=,; printf ',"roles":[%s]' "${roles[*]}")"
fi
header="$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)"
payload="$(printf '{"iss":"paymentfunctions-dev","aud":"%s","sub":"%s","iat":%d,"nbf":%d,"exp":%d%s}' \
  "$audience" "$user" "$now" "$now" "$((now + lifetime))" "$claims" | b64url)"
signature="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$key" -binary | b64url)"
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
