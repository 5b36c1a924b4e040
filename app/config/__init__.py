"""Settings (the only reader of the environment) and the upstreams file they may name."""

from app.config.settings import Settings

__all__ = ["Settings"]
