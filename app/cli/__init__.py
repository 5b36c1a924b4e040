"""The ``cadre`` command: serve, mcp, migrate, frame import/export/lint/list/policy/archive/unarchive,
key create/list/limit/revoke, eval, token reset."""

from app.cli.main import main

__all__ = ["main"]
