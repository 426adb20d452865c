#!/usr/bin/env bash
# Installs Azurite (the Azure Storage emulator, pinned npm version) into .tools/ and starts it
# with in-memory storage on free loopback ports, so two runs on one machine never clash.
# Source it, then call start_azurite: it exports SMARTCITY_TEST_STORAGE (a connection string
# with the ports it chose) and stops Azurite when the calling shell exits.
AZURITE_VERSION="${AZURITE_VERSION:-3.37.0}"

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

start_azurite() {
  local root tools log blob queue table
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  tools="$root/.tools/azurite"
  if [ ! -x "$tools/node_modules/.bin/azurite" ] || ! grep -q "\"version\": \"$AZURITE_VERSION\"" "$tools/node_modules/azurite/package.json" 2>/dev/null; then
    echo "Installing azurite@$AZURITE_VERSION into .tools/azurite"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null
  fi

  blob=$(free_port); queue=$(free_port); table=$(free_port)
  log="$(mktemp -t azurite.XXXXXX.log)"
  "$tools/node_modules/.bin/azurite" --inMemoryPersistence --skipApiVersionCheck --loose --silent \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$log" 2>&1 &
  AZURITE_PID=$!
  trap 'kill "$AZURITE_PID" 2>/dev/null || true' EXIT

  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$table") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$blob") 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
    echo "Azurite did not start:"; cat "$log"; return 1
  fi

  # Azurite's well-known development account key (public, documented; not a secret).
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export SMARTCITY_TEST_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  echo "Azurite $AZURITE_VERSION running (blob $blob, queue $queue, table $table)"
}
