"""The installable web app: a manifest, icons, and a service worker that keeps only the shell.

The worker (static/sw.js, served at /sw.js so its scope is the whole site) keeps the
stylesheet, the scripts, the icons and the offline page, nothing else: never a page with
answers, a survey or chat page, a staff or API page, a POST, or anything sent with
Cache-Control: no-store. A page is always fetched from the network; only when there is
no network does the worker show /offline. Registered by static/install.js from the public
pages only (`public/_app_head.html`); with JavaScript off nothing changes.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, make_response, render_template, url_for

app_shell_blueprint = Blueprint("app_shell", __name__)

THEME = "#1d4e89"  # --accent in heard.css
BACKGROUND = "#ffffff"  # --paper
ICONS = (
    ("icon-192.png", "192x192", "any"),
    ("icon-512.png", "512x512", "any"),
    ("icon-maskable-512.png", "512x512", "maskable"),
)
SCRIPTS = ("chat.js", "read_aloud.js", "install.js")
SHELL_STATIC = ("heard.css", *SCRIPTS, "favicon.svg") + tuple(i[0] for i in ICONS)
OFFLINE_TEMPLATE = "public/offline.html"


def manifest() -> dict[str, object]:
    """start_url is the home page: it makes sense without a link, and says how to get one."""
    home = url_for("status.home")
    return {
        "name": "Heard",
        "short_name": "Heard",
        "description": "Tell the council how things are going.",
        "id": home,
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "lang": "en-GB",
        "dir": "ltr",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [
            {
                "src": url_for("static", filename=name),
                "sizes": sizes,
                "type": "image/png",
                "purpose": purpose,
            }
            for name, sizes, purpose in ICONS
        ],
    }


def shell_urls() -> list[str]:
    """Every address the worker keeps. Nothing else is ever put in its cache."""
    return [url_for("app_shell.offline"), url_for("app_shell.web_manifest")] + [
        url_for("static", filename=name) for name in SHELL_STATIC
    ]


@lru_cache(maxsize=8)
def _version(static_folder: str, template_folder: str) -> str:
    """Changes when a kept file does, so browsers install the new worker and drop the old cache."""
    digest = hashlib.sha256()
    for path in [Path(static_folder, name) for name in SHELL_STATIC + ("sw.js",)] + [
        Path(template_folder, OFFLINE_TEMPLATE),
        Path(template_folder, "public/base_public.html"),
        Path(template_folder, "base.html"),
        # the offline page's words in each language: a new translation is a new shell
        *sorted(Path(template_folder).parent.glob("translations/*/LC_MESSAGES/messages.mo")),
    ]:
        digest.update(path.read_bytes())
    digest.update(json.dumps(SHELL_STATIC).encode())
    return digest.hexdigest()[:16]


@app_shell_blueprint.get("/manifest.webmanifest")
def web_manifest() -> Response:
    response = current_app.response_class(
        json.dumps(manifest(), indent=2), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@app_shell_blueprint.get("/sw.js")
def service_worker() -> Response:
    """The worker, with its version and the shell's addresses filled in. Never kept stale."""
    static_folder = current_app.static_folder or ""
    template_folder = str(Path(current_app.root_path, current_app.template_folder or ""))
    script = Path(static_folder, "sw.js").read_text(encoding="utf-8")
    script = script.replace(
        '"__HEARD_VERSION__"', json.dumps(_version(static_folder, template_folder))
    )
    script = script.replace('["__HEARD_SHELL__"]', json.dumps(shell_urls()))
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@app_shell_blueprint.get("/offline")
def offline() -> Response:
    """What the worker shows when a page cannot be fetched. Kept, so not no-store."""
    response = make_response(render_template(OFFLINE_TEMPLATE))
    response.headers["Cache-Control"] = "no-cache"
    return response
