#!/usr/bin/env bash
# azd postdeploy hook: subscribes the ClassifyCameraImage blob trigger to BlobCreated events
# of the camera-images container, through the function app's blob webhook.
#
# The webhook needs the blobs_extension system key, which exists only after the code is
# deployed, so this runs after `azd deploy`. It deploys infra/eventgrid.bicep with fixed
# names, so running it again updates the same subscription.
#
# Needs: az (logged in to the same subscription as azd) and the azd environment values
# AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME, AZURE_EVENTGRID_SYSTEM_TOPIC_NAME and
# CAMERA_IMAGES_CONTAINER_NAME (outputs of infra/main.bicep; azd passes them to hooks).
# Run by hand with: eval "$(azd env get-values)" && ./scripts/postdeploy-eventgrid.sh
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
template="${script_dir}/../infra/eventgrid.bicep"

if ! command -v az >/dev/null 2>&1; then
  echo "error: the Azure CLI (az) is required; see "Deploy to Azure" in README.md" >&2
  exit 1
fi

for name in AZURE_RESOURCE_GROUP AZURE_FUNCTION_APP_NAME AZURE_EVENTGRID_SYSTEM_TOPIC_NAME; do
  if [ -z "${!name:-}" ]; then
    echo "error: ${name} is not set; run 'azd provision' first (or eval \"\$(azd env get-values)\")" >&2
    exit 1
  fi
done
container="${CAMERA_IMAGES_CONTAINER_NAME:-camera-images}"

# The host creates the key when it first indexes the blob trigger after deploy: wait for it.
key=""
for attempt in $(seq 1 30); do
  key="$(az functionapp keys list \
    --resource-group "${AZURE_RESOURCE_GROUP}" \
    --name "${AZURE_FUNCTION_APP_NAME}" \
    --query "systemKeys.blobs_extension" \
    --output tsv 2>/dev/null || true)"
  if [ -n "${key}" ]; then
    break
  fi
  echo "Waiting for the blobs_extension key of ${AZURE_FUNCTION_APP_NAME} (attempt ${attempt}/30)..."
  sleep 10
done
if [ -z "${key}" ]; then
  echo "error: no blobs_extension system key on ${AZURE_FUNCTION_APP_NAME}; is ClassifyCameraImage deployed?" >&2
  exit 1
fi
if ! [[ "${key}" =~ ^[A-Za-z0-9_=-]+$ ]]; then
  echo "error: unexpected characters in the blobs_extension key" >&2
  exit 1
fi

# Pass the key in a private parameters file rather than on the command line, where any
# local user could read it from the process list.
params_file="$(mktemp)"
trap 'rm -f "${params_file}"' EXIT
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
  --resource-group "${AZURE_RESOURCE_GROUP}" \
  --name "eventgrid-camera-images" \
  --template-file "${template}" \
  --parameters "@${params_file}" \
  --parameters functionAppName="${AZURE_FUNCTION_APP_NAME}" \
               systemTopicName="${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME}" \
               containerName="${container}" \
  --output none

echo "Event Grid subscription 'classify-camera-images' is in place."
