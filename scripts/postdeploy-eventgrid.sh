#!/usr/bin/env bash
# azd postdeploy hook: subscribes the ClassifyCameraImage blob trigger to BlobCreated events
# of the camera-images container, through the function app's blob webhook.
#
# The webhook needs the blobs_extension system key, which exists only after the code is
# deployed, so this runs after `azd deploy`. It deploys infra/eventgrid.bicep with fixed
# names, so running it again updates the same subscription.
#
# Needs: az (logged in to the same subscription as azd) and the azd environment values
# AZURE_SUBSCRIPTION_ID (azd's own), AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME,
# AZURE_EVENTGRID_SYSTEM_TOPIC_NAME and CAMERA_IMAGES_CONTAINER_NAME (outputs of
# infra/main.bicep); azd passes them to hooks. Every az call names the subscription, so the
# hook never acts on whichever subscription az happens to have selected.
# Run by hand with: eval "$(azd env get-values)" && ./scripts/postdeploy-eventgrid.sh
#
# The host creates the key shortly after deploy, so the hook looks for it again while it is
# missing (or while the host answers "service unavailable"); any other az failure (sign-in,
# subscription, app not found) is printed and ends the hook at once. Optional settings:
#   POSTDEPLOY_KEY_ATTEMPTS       how many times to look for the key (default 30)
#   POSTDEPLOY_KEY_DELAY_SECONDS  seconds between two looks (default 10)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
template="${script_dir}/../infra/eventgrid.bicep"

if ! command -v az >/dev/null 2>&1; then
  echo "error: the Azure CLI (az) is required; see \"Deploy to Azure\" in README.md" >&2
  exit 1
fi

if [ -z "${AZURE_SUBSCRIPTION_ID:-}" ]; then
  echo "error: AZURE_SUBSCRIPTION_ID is not set; azd sets it for hooks (run by hand: eval \"\$(azd env get-values)\")" >&2
  exit 1
fi
for name in AZURE_RESOURCE_GROUP AZURE_FUNCTION_APP_NAME AZURE_EVENTGRID_SYSTEM_TOPIC_NAME; do
  if [ -z "${!name:-}" ]; then
    echo "error: ${name} is not set; run 'azd provision' first (or eval \"\$(azd env get-values)\")" >&2
    exit 1
  fi
done
container="${CAMERA_IMAGES_CONTAINER_NAME:-camera-images}"

attempts="${POSTDEPLOY_KEY_ATTEMPTS:-30}"
delay="${POSTDEPLOY_KEY_DELAY_SECONDS:-10}"
if ! [[ "${attempts}" =~ ^[1-9][0-9]*$ && "${delay}" =~ ^[0-9]+$ ]]; then
  echo "error: POSTDEPLOY_KEY_ATTEMPTS must be a positive whole number and POSTDEPLOY_KEY_DELAY_SECONDS a whole number" >&2
  exit 1
fi

az_errors="$(mktemp)"
params_file="$(mktemp)"
trap 'rm -f "${az_errors}" "${params_file}"' EXIT

# Prints the failed az command's error output. Returns when the host said it is not up yet
# (the key may come on a later look); exits the hook for every other failure.
az_failed() {
  local command="$1" status="$2"
  if grep -Eqi 'ServiceUnavailable|Service Unavailable|BadGateway|Bad Gateway|GatewayTimeout|Gateway Timeout|TooManyRequests|Too Many Requests' "${az_errors}"; then
    echo "${command} failed (exit ${status}); the host may still be starting:" >&2
    cat "${az_errors}" >&2
    return 0
  fi
  echo "error: ${command} failed (exit ${status}):" >&2
  cat "${az_errors}" >&2
  exit 1
}

# Looks for the key once and leaves it in ${key}: empty while the host has not created it.
read_key() {
  local status=0
  key="$(az functionapp keys list \
    --subscription "${AZURE_SUBSCRIPTION_ID}" \
    --resource-group "${AZURE_RESOURCE_GROUP}" \
    --name "${AZURE_FUNCTION_APP_NAME}" \
    --query "systemKeys.blobs_extension" \
    --output tsv 2>"${az_errors}")" || status=$?
  if [ "${status}" -ne 0 ]; then
    key=""
    az_failed "az functionapp keys list" "${status}"
    return 0
  fi
  if [ -n "${key}" ]; then
    return 0
  fi

  # keys list wraps the host's listkeys; ask it directly in case this az version drops
  # system keys from its answer.
  local url="https://management.azure.com/subscriptions/${AZURE_SUBSCRIPTION_ID}/resourceGroups/${AZURE_RESOURCE_GROUP}/providers/Microsoft.Web/sites/${AZURE_FUNCTION_APP_NAME}/host/default/listkeys?api-version=2024-04-01"
  key="$(az rest \
    --subscription "${AZURE_SUBSCRIPTION_ID}" \
    --method post \
    --url "${url}" \
    --query "systemKeys.blobs_extension" \
    --output tsv 2>"${az_errors}")" || status=$?
  if [ "${status}" -ne 0 ]; then
    key=""
    az_failed "az rest (host listkeys)" "${status}"
  fi
}

# The host creates the key when it first indexes the blob trigger after deploy: wait for it.
key=""
for attempt in $(seq 1 "${attempts}"); do
  read_key
  if [ -n "${key}" ]; then
    break
  fi
  if [ "${attempt}" -lt "${attempts}" ]; then
    echo "Waiting for the blobs_extension key of ${AZURE_FUNCTION_APP_NAME} (attempt ${attempt}/${attempts})..."
    sleep "${delay}"
  fi
done
if [ -z "${key}" ]; then
  echo "error: no blobs_extension system key on ${AZURE_FUNCTION_APP_NAME} after ${attempts} attempts; is ClassifyCameraImage deployed?" >&2
  exit 1
fi
if ! [[ "${key}" =~ ^[A-Za-z0-9_=-]+$ ]]; then
  echo "error: unexpected characters in the blobs_extension key" >&2
  exit 1
fi

# Pass the key in a private parameters file rather than on the command line, where any
# local user could read it from the process list.
chmod 600 "${params_file}"
cat >"${params_file}" <<JSON
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "blobsExtensionKey": { "value": "${key}" }
  }
}
JSON

echo "Subscribing ${AZURE_FUNCTION_APP_NAME}/ClassifyCameraImage to new blobs in ${container}..."
az deployment group create \
  --subscription "${AZURE_SUBSCRIPTION_ID}" \
  --resource-group "${AZURE_RESOURCE_GROUP}" \
  --name "eventgrid-camera-images" \
  --template-file "${template}" \
  --parameters "@${params_file}" \
  --parameters functionAppName="${AZURE_FUNCTION_APP_NAME}" \
               systemTopicName="${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME}" \
               containerName="${container}" \
  --output none

echo "Event Grid subscription 'classify-camera-images' is in place."
