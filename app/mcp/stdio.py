"""``cadre mcp``: the MCP server on standard input and output, answering for CADRE_MCP_KEY's frame.

Standard output is the protocol's: nothing else is printed there (no admin token, no banner); what people
should read goes to stderr. The services are Cadre's own (database, cache, decision log, rate limits), so
every call is recorded and a publish made elsewhere is seen within CADRE_CACHE_CHECK_INTERVAL.
"""

from __future__ import annotations

import asyncio
import sys

import anyio

from app.config import Settings
from app.mcp.server import build
from app.messages import both
from app.services import start_services, stop_services


def run(settings: Settings) -> int:
    """Serve until the client closes standard input; 2 when the key is missing or unknown."""
    if settings.mcp_key is None or not settings.mcp_key.get_secret_value().strip():
        print(f"cadre: {both('cli.mcp_no_key')}", file=sys.stderr)
        return 2
    return anyio.run(_serve, settings)


async def _serve(settings: Settings) -> int:
    secret = settings.mcp_key.get_secret_value().strip() if settings.mcp_key else ""
    services = await start_services(settings, admin=False)
    try:
        if await services.cache.key(secret) is None:
            where = settings.sqlite_file() or "CADRE_DATABASE_URL"
            print(f"cadre: {both('cli.mcp_bad_key', where=where)}", file=sys.stderr)
            return 2
        tasks = [asyncio.create_task(services.cache.watch()), asyncio.create_task(services.decisions.run()),
                 asyncio.create_task(services.limiter.run())]
        try:
            await build(lambda: services, lambda: secret).run_stdio_async()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return 0
    finally:
        await stop_services(services)



