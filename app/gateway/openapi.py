"""The /v1 gateway in the OpenAPI schema. Pure data.

The gateway is plain ASGI, outside FastAPI's router (app/gateway.py), so its operations are described here
and merged into the schema FastAPI builds for /api. Request bodies list the fields Cadre reads; every other
field passes through to the upstream (``additionalProperties``). An upstream's own error is relayed with its
status and body, hence the ``default`` answer.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.messages import both

ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["message", "type", "param", "code"],
        "properties": {"message": {"type": "string"}, "type": {"type": "string"},
                       "param": {"type": ["string", "null"]}, "code": {"type": ["string", "null"]},
                       # frame refusals only: the message's language, and the message in the other language
                       "language": {"type": "string", "enum": ["fr", "en"]},
                       "translations": {"type": "object", "additionalProperties": {"type": "string"}}},
    }},
}
_ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/GatewayError"}}}}
_ERRORS = {code: both(f"docs.{code}") for code in ("400", "401", "409", "413", "429", "502", "503", "504")}
_HEADERS = [
    {"name": "x-request-id", "in": "header", "required": False, "description": "Your id for this request "
     "(1 to 64 printable ASCII characters), returned and logged; one is made otherwise.",
     "schema": {"type": "string"}},
]
_PRIORITY = {"name": "x-cadre-priority", "in": "header", "required": False,
             "description": "The frame priority (1 to 3) this request serves, for the révélateur's report.",
             "schema": {"type": "string"}}


def _answers(streams: bool, refusals: bool) -> dict[str, Any]:
    ok: dict[str, Any] = {"application/json": {"schema": {"type": "object"}}}
    if streams:
        ok["text/event-stream"] = {"schema": {}}  # events: the upstream's chunks, then [DONE]
    codes = [c for c in _ERRORS if refusals or c not in ("409", "503")]
    return {
        "200": {"description": both("docs.200"), "content": ok},
        **{code: {"description": _ERRORS[code], **_ERROR_REF} for code in codes},
        "default": {"description": both("docs.default"), "content": {"application/json": {"schema": {}}}},
    }


def _body(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "additionalProperties": True,
        "properties": {"model": {"type": "string", "minLength": 1}, **properties}}}}}


_TEXT_OR_LIST = {"anyOf": [{"type": "string"}, {"type": "array"}]}
_STREAM = {"stream": {"type": "boolean"}}
_SECURITY: list[dict[str, list[str]]] = [{"ClientKey": []}]


def _generation(summary: str, required: str, prop: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    return {"post": {
        "tags": ["gateway"], "summary": summary, "security": _SECURITY, "parameters": [*_HEADERS, _PRIORITY],
        "requestBody": _body(["model", required], {required: prop, **_STREAM, **extra}),
        "responses": _answers(streams=True, refusals=True),
    }}


PATHS: dict[str, Any] = {
    "/v1/chat/completions": _generation(
        "Chat completion, frame injected as the first message", "messages",
        {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["role"],
                                                   "properties": {"role": {"type": "string"}}}},
        {"metadata": {"type": "object"}}),
    "/v1/completions": _generation("Completion, frame prepended to the prompt", "prompt", _TEXT_OR_LIST, {}),
    "/v1/responses": _generation("Response, frame prepended to the instructions", "input", _TEXT_OR_LIST,
                                 {"instructions": {"type": "string"}, "metadata": {"type": "object"}}),
    "/v1/embeddings": {"post": {
        "tags": ["gateway"], "summary": "Embeddings, passed through (a key is needed, a frame is not)",
        "security": _SECURITY, "parameters": _HEADERS,
        "requestBody": _body(["model", "input"], {"input": _TEXT_OR_LIST}),
        "responses": _answers(streams=False, refusals=False),
    }},
    "/v1/models": {"get": {
        "tags": ["gateway"], "summary": "The upstream's models, plus cadre-preview", "security": _SECURITY,
        "parameters": _HEADERS,
        "responses": {
            "200": {"description": both("docs.models"), "content": {"application/json": {"schema": {
                "type": "object", "required": ["object", "data"],
                "properties": {"object": {"type": "string"}, "data": {"type": "array"}}}}}},
            "401": {"description": _ERRORS["401"], **_ERROR_REF},
            "429": {"description": _ERRORS["429"], **_ERROR_REF},
        },
    }},
}


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` include the gateway's operations."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schema["paths"] = {**PATHS, **schema.get("paths", {})}
            components = schema.setdefault("components", {})
            components.setdefault("schemas", {})["GatewayError"] = ERROR
            components.setdefault("securitySchemes", {})["ClientKey"] = {
                "type": "http", "scheme": "bearer", "description": "A client key (cadre_sk_...) made by the admin."}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
