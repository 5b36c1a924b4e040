#!/usr/bin/env bash
# Cadre in the peer benchmark (../shared/bench): a published frame, a real key, the full request path
# (key -> decision -> injection -> upstream -> record), against direct calls, minimal-aiohttp and LiteLLM.
#   bench/run.sh                                  # c=1,16, both modes, 2 repeats (~8 min)
#   bench/run.sh --duration 5 --repeats 1 --targets direct,minimal-aiohttp,cadre
# Extra environment for Cadre's process: CADRE_BENCH_ENV='CADRE_X=1 CADRE_Y=2'.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${CADRE_SHARED_BENCH:-$root/../shared/bench}
cadre=${CADRE_BIN:-$root/.venv/bin/cadre}
d=$(mktemp -d /tmp/cadre-bench.XXXXXX)
trap 'rm -rf "$d"' EXIT
(cd "$d" && CADRE_ADMIN_TOKEN=bench-admin-token-0123456789abcdef "$cadre" frame import "$here/frame.yaml" --publish >/dev/null)
key=$(cd "$d" && "$cadre" key create --frame bench-atelier --name bench | tail -n 1)
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--conns 1,16 --repeats 2 --targets direct,minimal-aiohttp,litellm,cadre)
PROXY_NAME=cadre PROXY_PORT=18110 PROXY_API_KEY="$key" PROXY_CWD="$d" \
PROXY_CMD="CADRE_ADMIN_TOKEN=bench-admin-token-0123456789abcdef ${CADRE_BENCH_ENV:-} CADRE_UPSTREAM_BASE_URL={upstream_v1} exec $cadre serve --host 127.0.0.1 --port {port}" \
  "$shared/run_peer.sh" "${args[@]}"
