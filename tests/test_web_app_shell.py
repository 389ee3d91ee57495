"""The installable web app: manifest, icons, the service worker, and where they are linked.

The worker's behaviour in a real browser (what it keeps, the offline page) is in
test_web_app_shell_browser.py.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from browser_support import issue_link, make_app
from flask import Flask
from PIL import Image

from heard.wiring import Database
from webforms.public.app_shell import SHELL_STATIC

NEVER_KEPT = re.compile(r"^/(staff|api|mydata|chat)(/|$)|^/s/|my-data")


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def test_the_manifest_makes_heard_installable(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Heard" and manifest["short_name"] == "Heard"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#1d4e89" and manifest["background_color"] == "#ffffff"
    css = client.get("/static/heard.css").get_data(as_text=True)
    assert "--accent: #1d4e89;" in css and "--paper: #ffffff;" in css  # the colours are Heard's
    # start_url is the home page, which makes sense without a link (never an invite link).
    assert manifest["start_url"] == "/"
    start = client.get(manifest["start_url"])
    assert start.status_code == 200 and b"Start a check-in" in start.data
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200 and served.mimetype == "image/png", icon["src"]
        image = Image.open(io.BytesIO(served.data))
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert image.format == "PNG" and image.size == (width, height), icon["src"]
        assert len(served.data) < 40_000, f"{icon['src']} should stay small"
    maskable = Image.open(io.BytesIO(client.get("/static/icon-maskable-512.png").data))
    assert maskable.convert("RGBA").getpixel((2, 2))[3] == 255  # fills its square


def test_the_worker_is_served_from_the_root_never_stale_and_only_keeps_the_shell(
    app: Flask,
) -> None:
    client = app.test_client()
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.headers["Cache-Control"] == "no-cache"
    script = response.get_data(as_text=True)
    assert "__HEARD_" not in script
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", script).group(1))
    assert shell[0] == "/offline" and "/static/heard.css" in shell and "/static/chat.js" in shell
    assert {f"/static/{name}" for name in SHELL_STATIC} <= set(shell)
    for url in shell:
        assert not NEVER_KEPT.search(url), url
        kept = client.get(url)
        assert kept.status_code == 200, url
        assert "no-store" not in kept.headers.get("Cache-Control", ""), url
    version = re.search(r'var VERSION = "([0-9a-f]+)";', script)
    assert version, "the worker's version is filled in"
    assert "worker-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_offline_page_says_the_answers_were_not_sent(app: Flask) -> None:
    page = app.test_client().get("/offline")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "You&#39;re offline" in text or "You're offline" in text
    assert "Your answers have not been sent." in text
    assert "open your link again" in text
    assert "0800 1111" in text  # Childline is still there, offline


def test_public_pages_link_the_manifest_and_staff_pages_do_not(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    token = issue_link(database, "checkin-8-11")
    for path in ("/", "/chat", "/offer", "/you-said", f"/s/{token}"):
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html, path
        assert 'src="/static/install.js" data-worker="/sw.js" defer' in html, path
        csp = page.headers["Content-Security-Policy"]
        assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp, path
        assert "unsafe-inline" not in csp
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"inline script on {path}"
    staff = client.get("/staff/login")
    assert staff.status_code == 200
    html = staff.get_data(as_text=True)
    assert "manifest" not in html and "install.js" not in html and "sw.js" not in html
