#!/usr/bin/env bash
# Sets the Stripe secrets in one environment's Key Vault: once after the first deployment, then for each rotation
# (infra/README.md, "Secrets and rotation"). infra/main.bicep never writes a secret value, so no deployment undoes
# what this sets.
#
#   infra/set-secrets.sh <resource-group> init               # all three secrets (the previous slot = the current one)
#   infra/set-secrets.sh <resource-group> stripe-key         # a rolled API key
#   infra/set-secrets.sh <resource-group> webhook-roll       # a rolled signing secret: current -> previous, new -> current
#   infra/set-secrets.sh <resource-group> webhook-roll-done  # the old signing secret expired: previous := current
#
# New values come from STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET when set, else are read from the terminal without
# echo. A value reaches az on its stdin (--file /dev/stdin), never on a command line, and is never printed. Then the
# Function App re-reads its Key Vault references and the script shows whether each one resolved.
# Needs: az logged in, Key Vault Secrets Officer on the vault, and (with private networking) a machine in the VNet.
set -euo pipefail

usage() { sed -n '6,9p' "$0" >&2; exit 2; }
[ $# -eq 2 ] || usage
group=$1 command=$2
case $command in init | stripe-key | webhook-roll | webhook-roll-done) ;; *) usage ;; esac

api_key='stripe-secret-key'
webhook_current='stripe-webhook-secret'
webhook_previous='stripe-webhook-secret-previous'

# The template deploys one vault and one Function App per resource group.
vault=$(az keyvault list -g "$group" --query '[0].name' -o tsv)
app=$(az functionapp list -g "$group" --query '[0].id' -o tsv)
[ -n "$vault" ] && [ -n "$app" ] || { echo "No Key Vault or Function App in resource group $group: deploy infra/main.bicep first." >&2; exit 1; }

# new_value VARIABLE PROMPT PATTERN DESCRIPTION: the variable's value, or one typed without echo; checked, not shown.
new_value() {
  local value=${!1:-}
  if [ -z "$value" ]; then
    [ -t 0 ] || { echo "$1 is not set and there is no terminal to read it from." >&2; exit 2; }
    read -r -s -p "$2: " value; echo >&2
  fi
  [[ $value =~ $3 ]] || { echo "That is not $4 (the value is not shown)." >&2; exit 2; }
  printf '%s' "$value"
}

# stored NAME: the secret's current value in the vault, checked like a new webhook secret.
stored() {
  local value
  value=$(az keyvault secret show --vault-name "$vault" --name "$1" --query value -o tsv)
  [[ $value =~ $webhook_pattern ]] || { echo "$1 in $vault is not a webhook signing secret; run init." >&2; exit 1; }
  printf '%s' "$value"
}

# put NAME VALUE (a function's arguments are not a process's command line).
put() {
  printf '%s' "$2" | az keyvault secret set --vault-name "$vault" --name "$1" --file /dev/stdin --encoding utf-8 --output none
  echo "Set $1 in $vault." >&2
}

key_pattern='^(sk|rk)_(test|live)_[A-Za-z0-9]+$'
webhook_pattern='^whsec_[A-Za-z0-9+/=_-]+$'

# Every value is taken into a variable before anything is written: a failed read stops the script (set -e), it never
# writes an empty secret.
case $command in
  init)
    key=$(new_value STRIPE_SECRET_KEY 'Stripe secret key (sk_/rk_)' "$key_pattern" 'a Stripe secret or restricted key')
    secret=$(new_value STRIPE_WEBHOOK_SECRET 'Webhook endpoint signing secret (whsec_)' "$webhook_pattern" 'a webhook signing secret')
    put "$api_key" "$key"
    put "$webhook_current" "$secret"
    put "$webhook_previous" "$secret"
    ;;
  stripe-key)
    key=$(new_value STRIPE_SECRET_KEY 'New Stripe secret key (sk_/rk_)' "$key_pattern" 'a Stripe secret or restricted key')
    put "$api_key" "$key"
    ;;
  webhook-roll)
    secret=$(new_value STRIPE_WEBHOOK_SECRET 'New webhook endpoint signing secret (whsec_)' "$webhook_pattern" 'a webhook signing secret')
    old=$(stored "$webhook_current")
    put "$webhook_previous" "$old"
    put "$webhook_current" "$secret"
    ;;
  webhook-roll-done)
    secret=$(stored "$webhook_current")
    put "$webhook_previous" "$secret"
    ;;
esac

# App Service caches resolved references for up to 24 hours; this makes it resolve them now.
az rest --method post --url "$app/config/configreferences/appsettings/refresh?api-version=2022-03-01" --output none
az rest --method get --url "$app/config/configreferences/appsettings?api-version=2022-03-01" \
  --query "value[?properties.vaultName=='$vault'].{secret: properties.secretName, status: properties.status}" -o table
