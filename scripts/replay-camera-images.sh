#!/usr/bin/env bash
# Replays a folder of images as camera uploads into the local function app (func start):
# uploads each to camera-images/<cameraId>/<file> on Azurite and posts the Event Grid
# BlobCreated notification to the blob webhook of ClassifyCameraImage.
# Each upload gets blob metadata capturedAt from a yyyy-MM-dd_HH-mm-ss time in its file name (as UTC).
# Usage: scripts/replay-camera-images.sh <folder> [cameraId]   (cameraId default cam-local)
# Environment: CameraStorage (connection string, default UseDevelopmentStorage=true),
# CameraImagesContainer (default camera-images), FUNCTIONS_HOST (default http://localhost:7071/),
# BLOBS_EXTENSION_KEY (sent as x-functions-key; only for a host that checks keys).
# The secrets stay in the environment: smartcity replay refuses --key and a --storage that holds
# an account key or a SAS, because ps shows every process's command line.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 <folder> [cameraId]" >&2
  exit 1
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
folder="$(cd "$1" && pwd)"
camera="${2:-cam-local}"
exec dotnet run --project "$root/functions/SmartCity.Cli" -c Release -- replay "$folder" \
  --camera "$camera" --container "${CameraImagesContainer:-camera-images}" --host "${FUNCTIONS_HOST:-http://localhost:7071/}"
