#!/usr/bin/env bash
# azd preprovision hook: sets AZURE_PRINCIPAL_TYPE (the principalType parameter of
# infra/main.bicep) to the kind of account az is signed in with, unless it is already set.
#
# The deploying principal (AZURE_PRINCIPAL_ID) gets data roles whose assignments carry its
# type; a wrong type fails the deployment. `az account show` says 'user' for a person and
# 'servicePrincipal' for a service principal or managed identity (CI). The hook therefore
# assumes azd and az are signed in as the same principal, as the postdeploy hook does.
# When the type cannot be told (no subscription chosen yet, an unknown answer) the variable
# stays unset and the assignments leave principalType out, so Azure resolves it.
#
# Needs: az (logged in), azd, and AZURE_SUBSCRIPTION_ID (azd passes it to hooks).
# Set the type yourself with: azd env set AZURE_PRINCIPAL_TYPE User|ServicePrincipal|Group
set -euo pipefail

if [ -n "${AZURE_PRINCIPAL_TYPE:-}" ]; then
  echo "AZURE_PRINCIPAL_TYPE is ${AZURE_PRINCIPAL_TYPE}; leaving it as it is."
  exit 0
fi

if [ -z "${AZURE_SUBSCRIPTION_ID:-}" ]; then
  echo "warning: AZURE_SUBSCRIPTION_ID is not set yet, so the principal type is not derived;" \
    "the role assignments will leave principalType out." >&2
  exit 0
fi

if ! command -v az >/dev/null 2>&1; then
  echo "error: the Azure CLI (az) is required; see \"Deploy to Azure\" in README.md" >&2
  exit 1
fi

az_errors="$(mktemp)"
trap 'rm -f "${az_errors}"' EXIT

status=0
account_type="$(az account show \
  --subscription "${AZURE_SUBSCRIPTION_ID}" \
  --query "user.type" \
  --output tsv 2>"${az_errors}")" || status=$?
if [ "${status}" -ne 0 ]; then
  echo "error: az account show --subscription ${AZURE_SUBSCRIPTION_ID} failed (exit ${status}):" >&2
  cat "${az_errors}" >&2
  echo "Sign az in to the subscription azd deploys to (az login), then run azd again." >&2
  exit 1
fi

case "${account_type}" in
  user) principal_type="User" ;;
  servicePrincipal) principal_type="ServicePrincipal" ;;
  *)
    echo "warning: az reports account type '${account_type}', which is neither 'user' nor" \
      "'servicePrincipal'; the role assignments will leave principalType out." >&2
    exit 0
    ;;
esac

echo "Signed in as a ${account_type}: setting AZURE_PRINCIPAL_TYPE=${principal_type}."
azd env set AZURE_PRINCIPAL_TYPE "${principal_type}"
