#!/usr/bin/env bash
# The project's test command (README "Test"; CI runs it too): makes PowerShell available for the
# hook tests, starts Azurite, then runs every test project in Release. Extra arguments go to
# `dotnet test` (e.g. --filter ...).
set -euo pipefail
cd "$(dirname "$0")/.."

# The Infra tests run the .ps1 hooks (what azd runs on Windows) with pwsh, and skip them without
# it. PowerShell is also a dotnet tool, so it comes from the NuGet feed like the other packages:
# installed into .tools/pwsh once, at a pinned version, unless PWSH_PATH or PATH already has one.
PWSH_VERSION="${PWSH_VERSION:-7.6.9}"
use_pwsh() {
  local tools=".tools/pwsh"
  if [ -n "${PWSH_PATH:-}" ] && [ -x "$PWSH_PATH" ]; then
    return 0
  fi
  if command -v pwsh >/dev/null; then
    PWSH_PATH="$(command -v pwsh)"
    export PWSH_PATH
    return 0
  fi
  if [ ! -x "$tools/pwsh" ] || [ ! -d "$tools/.store/powershell/$PWSH_VERSION" ]; then
    echo "Installing PowerShell $PWSH_VERSION into $tools"
    rm -rf "$tools"
    if ! dotnet tool install --tool-path "$tools" PowerShell --version "$PWSH_VERSION" >/dev/null; then
      echo "warning: PowerShell $PWSH_VERSION could not be installed; the PowerShell hook tests will be skipped." >&2
      return 0
    fi
  fi
  PWSH_PATH="$PWD/$tools/pwsh"
  export PWSH_PATH
}
use_pwsh

source scripts/azurite.sh
start_azurite
dotnet test SmartCity.Serverless.sln -c Release "$@"
