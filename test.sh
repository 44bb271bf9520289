#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, runs every test.
# Tests start and stop their own Azurite and loopback fakes on free ports.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/azurite-table ] || [ ! -d node_modules/stripe ]; then
  echo "==> npm ci (Azurite, stripe-node for tests)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The browser tests (tests/PaymentFunctions.Tests/Browser) drive Debian's headless Chromium through its chromedriver.
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || [ ! -x "${CHROMEDRIVER_PATH:-/usr/bin/chromedriver}" ]; then
  echo "==> apt-get install chromium chromium-driver (browser tests)"
  # Non-interactive, and waiting for the dpkg lock rather than failing while another install holds it.
  apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  [ "$(id -u)" -eq 0 ] || apt=(sudo -n "${apt[@]}")
  if ! command -v apt-get >/dev/null || ! "${apt[@]}" update -qq || ! "${apt[@]}" install -y -qq chromium chromium-driver >/dev/null; then
    echo "test.sh: could not install chromium and chromium-driver with apt-get (needs root or passwordless sudo on Debian/Ubuntu)." >&2
    echo "Install them, or point CHROMIUM_PATH and CHROMEDRIVER_PATH at a Chromium and its matching chromedriver." >&2
    exit 1
  fi
fi

echo "==> dotnet restore (locked: exactly the versions in each project's packages.lock.json)"
dotnet restore PaymentFunctions.sln --locked-mode -nologo -v quiet

echo "==> dotnet build"
dotnet build PaymentFunctions.sln -c Release --no-restore -nologo -v quiet

echo "==> dotnet test"
rm -rf TestResults
dotnet test tests/PaymentFunctions.Tests/PaymentFunctions.Tests.csproj -c Release --no-build -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" --results-directory TestResults "$@"
