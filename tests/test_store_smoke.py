"""The management API over both databases (first check; fuller tests live in test_frames_api.py)."""

from fastapi.testclient import TestClient

from app.main import create_app
from tests.conftest import ADMIN, good_frame, put_frame


def test_publish_twice_and_rollback(make_settings, database_url):
    with TestClient(create_app(make_settings(database_url=database_url))) as c:
        put_frame(c, "rustine", good_frame())
        put_frame(c, "rustine", good_frame(name="Atelier Rustine & fils"))
        r = c.post("/api/frames/rustine/rollback", json={"version": 1}, headers=ADMIN)
        assert r.status_code == 200, r.text
        versions = c.get("/api/frames/rustine/versions", headers=ADMIN).json()["data"]
        assert [(v["version"], v["rollback_of"], v["frame"]["name"]) for v in versions] == [
            (1, None, "Atelier Rustine"), (2, None, "Atelier Rustine & fils"), (3, 1, "Atelier Rustine")]
