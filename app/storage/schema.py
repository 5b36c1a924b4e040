"""The tables as the latest migration leaves them (``migrations.py`` gets there step by step)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)

frames = sa.Table(
    "frames", metadata,
    sa.Column("slug", sa.String(64), primary_key=True),
    sa.Column("draft", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.Column("updated_at", When, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("archived_at", When, nullable=True),
    sa.Column("check_policy", sa.String(16), nullable=False, server_default="flag"),  # off | flag | refuse
)

frame_versions = sa.Table(
    "frame_versions", metadata,
    sa.Column("slug", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("frame", sa.Text, nullable=False),
    sa.Column("published_at", When, nullable=False),
    sa.Column("published_by", sa.String(200), nullable=False),
    sa.Column("rollback_of", sa.Integer, nullable=True),
    sa.Column("drafted_by", sa.String(200), nullable=True),  # who last saved the draft it was made from (0005)
)

api_keys = sa.Table(
    "api_keys", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("frame", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("refusal_style", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("secret_hint", sa.String(32), nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.Column("revoked_at", When, nullable=True),
    sa.Column("rate_limit", sa.Integer, nullable=True),  # requests per minute; None: no limit (0004)
)

# Requests per key and per minute, summed over every replica (app/ratelimit.py); old windows are deleted.
rate_windows = sa.Table(
    "rate_windows", metadata,
    sa.Column("key_id", sa.String(40), primary_key=True),
    sa.Column("window", sa.BigInteger, primary_key=True),  # minutes since the Unix epoch
    sa.Column("requests", sa.BigInteger, nullable=False),
)

admin_tokens = sa.Table(
    "admin_tokens", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", When, nullable=False),
)

decisions = sa.Table(
    "decisions", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("at", When, nullable=False),  # indexed with `frame` (0003); the log pages by id
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("key_id", sa.String(40), nullable=True),
    sa.Column("frame", sa.String(64), nullable=True),  # indexed with `at` (0003)
    sa.Column("frame_version", sa.Integer, nullable=True),
    sa.Column("endpoint", sa.String(64), nullable=False),
    sa.Column("model", sa.String(200), nullable=True),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("code", sa.String(64), nullable=True),
    sa.Column("upstream_status", sa.Integer, nullable=True),
    sa.Column("latency_ms", sa.Float, nullable=False),
    sa.Column("prompt_tokens", sa.Integer, nullable=True),
    sa.Column("completion_tokens", sa.Integer, nullable=True),
    sa.Column("total_tokens", sa.Integer, nullable=True),
    # The révélateur (issue 5): what the checks found, which priority the request served, an excerpt.
    sa.Column("check_outcome", sa.String(16), nullable=True),  # fits | off_frame | None (not checked)
    sa.Column("findings", sa.Text, nullable=True),  # JSON list of {item, kind, field, source, excerpt?}
    sa.Column("priority", sa.Integer, nullable=True),  # 1..3, None = unattributed
    sa.Column("priority_source", sa.String(16), nullable=True),  # header | metadata | judge
    sa.Column("excerpt", sa.String(200), nullable=True),  # per CADRE_STORE_EXCERPTS
)

sa.Index("ix_decisions_frame_at", decisions.c.frame, decisions.c.at)  # 0003: a frame's decisions by time

# People of the console (0005): named accounts with a role; a person without a password is invited, not joined.
people = sa.Table(
    "people", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("name_key", sa.String(60), nullable=False, unique=True),  # folded name: sign-in is by name
    sa.Column("role", sa.String(16), nullable=False),  # owner | editor | viewer
    sa.Column("password_hash", sa.String(200), nullable=True),  # argon2id; None until the invitation is used
    sa.Column("created_at", When, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("removed_at", When, nullable=True),
)

invitations = sa.Table(
    "invitations", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(40), nullable=False, index=True),
    sa.Column("created_at", When, nullable=False),
    sa.Column("expires_at", When, nullable=False),
    sa.Column("used_at", When, nullable=True),
)

console_sessions = sa.Table(
    "console_sessions", metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # sha256 of the cookie's random value
    sa.Column("person_id", sa.String(40), nullable=False, index=True),
    sa.Column("created_at", When, nullable=False),
    sa.Column("last_seen_at", When, nullable=False),
    sa.Column("expires_at", When, nullable=False),
    sa.Column("revoked_at", When, nullable=True),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("agent", sa.String(200), nullable=False),
)

state = sa.Table(
    "cadre_state", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

migrations_table = sa.Table(
    "cadre_migrations", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("applied_at", When, nullable=False),
)
