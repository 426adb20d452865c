#!/usr/bin/env bash
# Builds an Open Inference infer body with Triton's binary tensor data extension: the JSON
# request, then the images as one BYTES tensor (each element a 4-byte little-endian length and
# the file's bytes, no base64). Writes the body to <body-file> and prints the JSON's length, the
# value of the Inference-Header-Content-Length header.
# Usage: scripts/binary-infer-body.sh <input-name> <body-file> <image>...
# Environment: OUTPUTS, the request's "outputs" array as JSON (default: none, so every output in JSON).
set -euo pipefail
export LC_ALL=C
if [ $# -lt 3 ]; then
  echo "usage: $0 <input-name> <body-file> <image>..." >&2
  exit 1
fi
input="$1"
body="$2"
shift 2

le32() {
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"
}

size=0
for image in "$@"; do
  size=$((size + 4 + $(stat -c %s "$image")))
done
json="{\"inputs\":[{\"name\":\"$input\",\"shape\":[$#],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":$size}}]${OUTPUTS:+,\"outputs\":$OUTPUTS}}"
{
  printf %s "$json"
  for image in "$@"; do
    le32 "$(stat -c %s "$image")"
    cat "$image"
  done
} > "$body"
printf '%s\n' "${#json}"
