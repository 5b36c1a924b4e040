"""Which upstream serves a model: the default one (CADRE_UPSTREAM_BASE_URL) and those of CADRE_UPSTREAMS_FILE,
each with its own client, key and keep-alive pool; /v1/models merged from all of them.

A model goes to the file's entry naming it exactly, else to the entry with the longest prefix it starts with
(``llama3*``), else to the default upstream. Without a file, every model goes to the default upstream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]  # missing from typeshed

import orjson

from app.config.upstreams_file import DEFAULT_NAME, Route
from app.errors import UpstreamError
from app.upstream.client import Upstream
from app.upstream.pool import Proxy

if TYPE_CHECKING:
    from app.config import Settings


class Upstreams:
    """The upstreams behind Cadre and the table that routes a model to one of them."""

    def __init__(self, default: Upstream, routes: Sequence[tuple[Route, Upstream]] = (),
                 default_configured: bool = True) -> None:
        self.default = default
        self.all = (default, *(upstream for _, upstream in routes))
        # Whose models /v1/models lists: the default one only once it is configured (a key, or not OpenAI).
        self.listed = self.all if default_configured else self.all[1:]
        self._exact: dict[str, Upstream] = {}
        prefixes: list[tuple[str, Upstream]] = []
        for route, upstream in routes:
            for pattern in route.models:
                if pattern.endswith("*"):
                    prefixes.append((pattern[:-1], upstream))
                else:
                    self._exact[pattern] = upstream
        self._prefixes = tuple(sorted(prefixes, key=lambda p: len(p[0]), reverse=True))  # longest first

    @classmethod
    def from_settings(cls, settings: Settings) -> Upstreams:
        """The default upstream and those of CADRE_UPSTREAMS_FILE, sharing the timeouts, limits and proxies."""
        def client(base_url: str, key: str | None, name: str) -> Upstream:
            return Upstream(base_url, key, settings.upstream_connect_timeout, settings.upstream_read_timeout, name,
                            total_timeout=settings.upstream_total_timeout,
                            max_connections=settings.upstream_max_connections,
                            max_waiting=settings.upstream_max_waiting, proxy=proxy_for(base_url, settings))

        default = client(settings.upstream_base_url, settings.upstream_key(), DEFAULT_NAME)
        routes = [(route, client(route.base_url, route.api_key, route.name)) for route in settings.upstream_routes()]
        return cls(default, routes, settings.upstream_configured())

    def for_model(self, model: str | None) -> Upstream:
        """The upstream that serves ``model``: exact name, then longest prefix, then the default one."""
        if model is None:
            return self.default
        found = self._exact.get(model)
        if found is not None:
            return found
        for prefix, upstream in self._prefixes:
            if model.startswith(prefix):
                return upstream
        return self.default

    def configured(self) -> bool:
        """False while no upstream can be called (the OpenAI default without a key, and no file)."""
        return bool(self.listed)

    async def models(self) -> tuple[list[Any], bytes]:
        """The models of every configured upstream, asked concurrently, and the x-cadre-upstream value.

        Each id appears once, listed by the upstream that serves it (an id another upstream's pattern takes is
        left out: a client choosing it would reach that other upstream). An upstream that fails leaves its
        models out and the others in. The header is ``ok`` when every upstream answered, ``not-configured``
        when none is; otherwise the state of each failing one (``unavailable`` or its HTTP status), as
        ``name=state`` joined by ", " (the bare state when the default upstream is the only one).
        """
        if not self.listed:
            return [], b"not-configured"
        answers = await asyncio.gather(*(_models_of(upstream) for upstream in self.listed))
        data: list[Any] = []
        seen: set[str] = set()
        failures: list[str] = []
        for upstream, (models, state) in zip(self.listed, answers, strict=True):
            if state != "ok":
                failures.append(state if len(self.listed) == 1 else f"{upstream.name}={state}")
            for model in models:
                name = model.get("id") if isinstance(model, dict) else None
                if isinstance(name, str) and name not in seen and self.for_model(name) is upstream:
                    seen.add(name)
                    data.append(model)
        return data, (", ".join(failures) or "ok").encode()

    async def close(self) -> None:
        await asyncio.gather(*(upstream.close() for upstream in self.all))


def proxy_for(base_url: str, settings: Settings) -> Proxy | None:
    """The proxy an upstream is reached through: CADRE_HTTPS_PROXY or CADRE_HTTP_PROXY by its scheme (they fall
    back to HTTPS_PROXY and HTTP_PROXY), unless CADRE_NO_PROXY (or NO_PROXY) names its host."""
    url = urlsplit(base_url)
    proxy = settings.https_proxy if url.scheme == "https" else settings.http_proxy
    if not proxy or not url.hostname:
        return None
    if settings.no_proxy and proxy_bypass_environment(url.netloc, {"no": settings.no_proxy}):
        return None
    return Proxy.of(proxy)


async def _models_of(upstream: Upstream) -> tuple[list[Any], str]:
    """(the models ``upstream`` lists, its state: ok | its HTTP status | unavailable)."""
    try:
        reply = await upstream.send("GET", "/models", None, False)
        listed = orjson.loads(reply.body) if reply.status == 200 else {}
    except (UpstreamError, orjson.JSONDecodeError):
        return [], "unavailable"
    if reply.status != 200:
        return [], str(reply.status)
    data = listed.get("data") if isinstance(listed, dict) else None
    return (data if isinstance(data, list) else []), "ok"
