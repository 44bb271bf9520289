#!/usr/bin/env bash
# Mints an HS256 development token the app accepts in Development only (issuer paymentfunctions-dev).
#   tools/mint-dev-token.sh <user-id> [lifetime-seconds] [--role <role>]... [--scope <scope>]... [--audience <aud>] [--app-only]
#   e.g. tools/mint-dev-token.sh staff-1 --role payments.admin   (staff refunds: POST /api/admin/bookings/{id}/refunds)
# A user's delegated token, as Entra ID issues them: the scopes go space-separated in "scp" (default
# payments.access, the app's default Auth:RequiredScope), roles in "roles". --app-only mints an application's own
# token instead (no "scp", "idtyp": "app"), which every route refuses (403).
# The key is Auth:DevSigningKey: $AUTH_DEV_SIGNING_KEY if set, else the one in appsettings.Development.json.
# The audience is --audience, else $AUTH_AUDIENCE, else paymentfunctions.
set -euo pipefail

usage="usage: $0 <user-id> [lifetime-seconds] [--role <role>]... [--scope <scope>]... [--audience <aud>] [--app-only]"
user="${1:?$usage}"
shift
lifetime=3600
roles=()
scopes=()
audience="${AUTH_AUDIENCE:-paymentfunctions}"
app_only=false
name='^[A-Za-z0-9._-]+$'
while [[ $# -gt 0 ]]; do
  case "$1" in
    --role) [[ $# -ge 2 ]] || { echo "$usage" >&2; exit 1; }
            [[ "$2" =~ $name ]] || { echo "role: letters, digits and . _ - only" >&2; exit 1; }
            roles+=("\"$2\""); shift 2 ;;
    --scope) [[ $# -ge 2 ]] || { echo "$usage" >&2; exit 1; }
            [[ "$2" =~ $name ]] || { echo "scope: letters, digits and . _ - only" >&2; exit 1; }
            scopes+=("$2"); shift 2 ;;
    --audience) [[ $# -ge 2 ]] || { echo "$usage" >&2; exit 1; }
            [[ "$2" =~ ^[A-Za-z0-9._:/-]+$ ]] || { echo "audience: letters, digits and . _ : / - only" >&2; exit 1; }
            audience="$2"; shift 2 ;;
    --app-only) app_only=true; shift ;;
    *)      [[ "$1" =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 1; }
            lifetime="$1"; shift ;;
  esac
done
here="$(cd "$(dirname "$0")" && pwd)"
key="${AUTH_DEV_SIGNING_KEY:-$(sed -n 's/.*"DevSigningKey": *"\([^"]*\)".*/\1/p' "$here/../src/PaymentFunctions/appsettings.Development.json")}"
[[ -n "$key" ]] || { echo "no Auth:DevSigningKey found" >&2; exit 1; }
[[ "$user" =~ ^[A-Za-z0-9._@-]+$ ]] || { echo "user id: letters, digits and . _ @ - only" >&2; exit 1; }
if $app_only && [[ ${#scopes[@]} -gt 0 ]]; then
  echo "--app-only tokens carry no scopes" >&2; exit 1
fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now="$(date +%s)"
claims=""
if [[ ${#roles[@]} -gt 0 ]]; then
  claims="$(IFS=,; printf ',"roles":[%s]' "${roles[*]}")"
fi
if $app_only; then
  claims="$claims,\"idtyp\":\"app\""
else
  [[ ${#scopes[@]} -gt 0 ]] || scopes=(payments.access)
  claims="$claims,\"scp\":\"${scopes[*]}\""
fi
header="$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)"
payload="$(printf '{"iss":"paymentfunctions-dev","aud":"%s","sub":"%s","iat":%d,"nbf":%d,"exp":%d%s}' \
  "$audience" "$user" "$now" "$now" "$((now + lifetime))" "$claims" | b64url)"
signature="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$key" -binary | b64url)"
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
