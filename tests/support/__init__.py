"""What the tests share: the admin token, frames that pass the linter, Cadre's settings over a test database, a
real uvicorn server on 127.0.0.1 in a thread, and the management API calls every area needs (save and publish a
frame, create a key, a ``cadre-preview`` request).

One module per concern beside this one: ``gateway`` (Cadre served with a frame and a key, the official client),
``console`` (Chromium through Playwright), ``cli`` (the one ``cadre`` subprocess runner), ``resilience`` (Cadre
and the fake upstream as processes), ``fake_upstream`` (+ ``fake_upstream_main``, its process), ``tcp_servers``,
``checks`` (the error shape, the database read behind Cadre's back), ``metrics`` (/metrics read) and ``waiting``
(``wait_until``). tests/conftest.py holds the fixtures, and only them."""

from __future__ import annotations

import copy
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from app.config import Settings

ROOT = Path(__file__).resolve().parents[2]  # the repository
ADMIN_TOKEN = "test-admin-token-0123456789-abcdefghijkl"  # 32 characters at least (CADRE_ADMIN_TOKEN)
ADMIN = {"authorization": f"Bearer {ADMIN_TOKEN}"}
UPSTREAM_KEY = "sk-upstream-SECRET-never-leak"  # the upstream's key in every test's settings: it must never leak
PUBLIC_URL = "http://cadre.test"

GOOD_FR: dict[str, Any] = {
    "name": "Atelier Rustine",
    "offer": "Réparation et entretien de vélos, sur place à Lyon 7e",
    "audience": "Cyclistes du quotidien qui vont travailler à vélo dans Lyon",
    "need": "Ne jamais rester plus de deux jours sans leur vélo",
    "promise": "Votre vélo réparé en 48 heures, ou le prêt d'un vélo offert.",
    "priorities": ["Réparations rapides et fiables", "Fidéliser les cyclistes du quartier"],
    "refusals": ["Pas de vente de vélos neufs", "Pas de réparation de trottinettes électriques",
                 "Pas de promotions agressives"],
    "alternatives": ["Les grandes enseignes de sport", "Réparer soi-même avec des tutoriels"],
    "proof": ["1 200 vélos réparés en 2025", "Note de 4,8 sur 5 (310 avis)"],
    "voice": {"tone": "Direct, chaleureux et concret", "address": "vous"},
    "lexicon": {"preferred": ["réparer", "rouler"], "banned": ["low-cost"]},
    "language": "fr",
}

GOOD_EN: dict[str, Any] = {
    "name": "Bright Ledger",
    "offer": "Monthly bookkeeping and VAT returns for independent restaurants in Bristol",
    "audience": "Owners of independent restaurants in Bristol with 5 to 30 staff",
    "need": "Knowing their real margin every month without doing the books at night",
    "promise": "Your books closed by the 5th of every month, with one page on your margin.",
    "priorities": ["Books closed on time every month", "Clear margin reports owners actually read"],
    "refusals": ["No payroll outsourcing", "No tax avoidance schemes", "No clients outside hospitality"],
    "alternatives": ["A spreadsheet on Sunday nights", "A generalist accountant once a year"],
    "proof": ["42 restaurants served since 2021"],
    "voice": {"tone": "Plain and friendly", "address": "none"},
    "lexicon": {"preferred": ["margin"], "banned": ["synergy"]},
    "language": "en",
}


def good_frame(language: str = "fr", **changes: Any) -> dict[str, Any]:
    """A frame that passes the linter, with ``changes`` applied."""
    frame = copy.deepcopy(GOOD_FR if language == "fr" else GOOD_EN)
    frame.update(changes)
    return frame


def cadre_settings(database_url: str, upstream_url: str, /, **overrides: Any) -> Settings:
    """The settings of every in-process or threaded test Cadre (overrides as keywords)."""
    values: dict[str, Any] = {
        "database_url": database_url, "admin_token": ADMIN_TOKEN, "public_url": PUBLIC_URL,
        "upstream_base_url": upstream_url, "upstream_api_key": UPSTREAM_KEY,
        "upstream_read_timeout": 5.0, "upstream_connect_timeout": 2.0, "cache_check_interval": 0.2,
        "decision_flush_interval": 0.1,
    }
    values.update(overrides)
    return Settings(**values)


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """A real uvicorn server on 127.0.0.1 in a background thread."""

    def __init__(self, app: Any, port: int | None = None, **config: Any) -> None:
        self.port = port or free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on", **config))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def put_frame(c: Any, slug: str, frame: dict[str, Any], publish: bool = True) -> dict[str, Any]:
    """Save (and publish) a frame through the management API; returns the frame's state."""
    r = c.put(f"/api/frames/{slug}/draft", json=frame, headers=ADMIN)
    assert r.status_code == 200, r.text
    if publish:
        r = c.post(f"/api/frames/{slug}/publish", headers=ADMIN)
        assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def new_key(c: Any, frame: str, style: str = "error", name: str = "test") -> str:
    """A new client key bound to ``frame``, created through the management API; its secret."""
    r = c.post("/api/keys", json={"frame": frame, "name": name, "refusal_style": style}, headers=ADMIN)
    assert r.status_code == 201, r.text
    secret: str = r.json()["secret"]
    return secret


def preview(c: Any, key: str) -> Any:
    """A chat request with the ``cadre-preview`` model (answered without the upstream: the answer is the body
    that would go upstream, frame included); ``c`` is an in-process TestClient or an httpx client."""
    return c.post("/v1/chat/completions", headers={"authorization": f"Bearer {key}"},
                  json={"model": "cadre-preview", "messages": [{"role": "user", "content": "Un post, vite."}]})
