"""The staff side: sign-in, roles, the alerts queue, the dashboard, reports and admin.

`register_staff(app)` is all the app needs to call; every page lives on one
blueprint under /staff, guarded by role (see `roles.py`).
"""

from __future__ import annotations

from flask import Flask


def register_staff(app: Flask) -> None:
    from webforms.staff import (  # noqa: F401
        admin,
        alert_message,
        alerts,
        auth,
        dashboard,
        reports,
        you_said,
    )
    from webforms.staff.auth import init_login
    from webforms.staff.blueprint import staff

    init_login(app)
    app.register_blueprint(staff)
