#!/usr/bin/env bash
# The project's test command (README "Test"; CI runs it too): starts Azurite, then runs every
# test project in Release. Extra arguments go to `dotnet test` (e.g. --filter ...).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh
start_azurite
dotnet test SmartCity.Serverless.sln -c Release "$@"
