"""Which blueprints make up the app. Each area of the site adds one line here."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from webforms.status import status_blueprint

    app.register_blueprint(status_blueprint)

    from webforms.staff import register_staff

    register_staff(app)

    from webforms.public import register_public

    register_public(app)

    from webforms.api import register_api

    register_api(app)

    from webforms.metrics import metrics_blueprint

    app.register_blueprint(metrics_blueprint)
