"""Priority attribution on /v1/*: ``x-cadre-priority`` or ``metadata.cadre_priority`` recorded with its source,
``cadre_priority`` never forwarded, invalid values ignored (the generation goes on), none = unattributed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.gateway import CHAT, Served, last_id, latest, shared_cadre


@pytest.fixture(scope="module")
def served(tmp_path_factory, upstream_server) -> Iterator[Served]:
    with shared_cadre(tmp_path_factory, upstream_server[1]) as cadre:  # the frame has 2 priorities
        yield cadre


def chat(served: Served, headers: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
    """One chat request through the official client; the decision it left."""
    mark = last_id(served)
    with served.client() as client:
        client.chat.completions.create(model="fake-model", messages=CHAT,  # type: ignore[arg-type]
                                       extra_headers=headers, **fields)
    return latest(served, mark)


def test_the_header_attributes_the_priority(served, upstream):
    record = chat(served, {"x-cadre-priority": "2"})
    assert (record["priority"], record["priority_source"]) == (2, "header")


def test_metadata_attributes_the_priority_and_is_not_forwarded(served, upstream):
    record = chat(served, metadata={"cadre_priority": "1"})
    assert (record["priority"], record["priority_source"]) == (1, "metadata")
    assert "metadata" not in upstream.last("/chat/completions").body  # emptied: taken out altogether


def test_other_metadata_passes_through_untouched(served, upstream):
    chat(served, metadata={"cadre_priority": "1", "team": "marketing"}, store=True)
    assert upstream.last("/chat/completions").body["metadata"] == {"team": "marketing"}


def test_the_header_wins_over_metadata(served, upstream):
    record = chat(served, {"x-cadre-priority": "2"}, metadata={"cadre_priority": "1"})
    assert (record["priority"], record["priority_source"]) == (2, "header")
    assert "metadata" not in upstream.last("/chat/completions").body


def test_metadata_on_completions_and_responses(served, upstream):
    for api, field in (("completions", "prompt"), ("responses", "input")):
        mark = last_id(served)
        with served.http() as http:
            r = http.post(f"/v1/{api}", json={"model": "fake-model", field: "Un post pour la rentrée.",
                                              "metadata": {"cadre_priority": 2}})
            assert r.status_code == 200, r.text
        record = latest(served, mark)
        assert (record["priority"], record["priority_source"]) == (2, "metadata")
        assert "metadata" not in upstream.last(f"/{api}").body


@pytest.mark.parametrize("value", ["3", "0", "deux", "-1", "1.5", ""])
def test_an_invalid_or_unknown_rank_is_ignored(served, upstream, value):
    record = chat(served, {"x-cadre-priority": value})  # the frame has 2 priorities: 3 is not one of them
    assert record["outcome"] == "forwarded"
    assert (record["priority"], record["priority_source"]) == (None, None)


def test_an_invalid_header_falls_back_to_metadata(served, upstream):
    record = chat(served, {"x-cadre-priority": "9"}, metadata={"cadre_priority": "2"})
    assert (record["priority"], record["priority_source"]) == (2, "metadata")


def test_without_either_the_request_is_unattributed(served, upstream):
    record = chat(served)
    assert (record["priority"], record["priority_source"]) == (None, None)
