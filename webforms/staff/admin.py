"""The admin role: staff accounts, and read-only views of the local offer and the surveys.

Accounts are added, deactivated, reactivated and unlocked here (every change
audited); nobody is deleted, so the audit log keeps meaning something. An admin
cannot deactivate their own account, so a council never locks out its last admin
by accident. The offer and surveys are files a council edits and checks with
`heard offer check` / `heard surveys check`; these pages show what is live and
which offer entries are due for review.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from localoffer.catalogue import Offer, load_offer
from storage.audit import audit
from storage.db import transaction
from storage.models import utcnow
from storage.staff import add_staff, find_staff, staff_users
from storage.staff_accounts import get_staff, is_locked, set_staff_active, unlock_staff
from storage.surveys import survey_versions
from webforms.staff.blueprint import actor, services, sessions, staff, web_config
from webforms.staff.figures import catalogue as figure_catalogue
from webforms.staff.forms import ROLE_WORDS, StaffAddForm
from webforms.staff.passwords import hash_password, password_problem
from webforms.staff.roles import roles_required

REVIEW_MONTHS = 12


def _offer() -> Offer:
    """The offer the wiring loaded, or the shipped one, loaded once per app."""
    built = services()
    offer = built.get("offer")
    if isinstance(offer, Offer):
        return offer
    search = built.get("offer_search")
    if isinstance(getattr(search, "offer", None), Offer):
        return search.offer  # type: ignore[union-attr]
    cached = current_app.extensions.get("heard.staff.offer")
    if not isinstance(cached, Offer):
        cached = load_offer()
        current_app.extensions["heard.staff.offer"] = cached
    return cached


def _accounts_page(form: StaffAddForm, status: int = 200) -> tuple[str, int]:
    now = utcnow()
    with transaction(sessions()) as db:
        users = staff_users(db)
        rows = [{"user": user, "locked": is_locked(user, now)} for user in users]
    return render_template(
        "staff/accounts.html", form=form, rows=rows, role_words=ROLE_WORDS
    ), status


@staff.get("/accounts")
@roles_required("admin")
def accounts() -> tuple[str, int]:
    return _accounts_page(StaffAddForm())


@staff.post("/accounts")
@roles_required("admin")
def accounts_add() -> Any:
    form = StaffAddForm()
    if not form.validate_on_submit():
        return _accounts_page(form, 400)
    email = str(form.email.data).strip().lower()
    problem = password_problem(str(form.password.data), email)
    if problem:
        form.password.errors = [*form.password.errors, problem]
        return _accounts_page(form, 400)
    with transaction(sessions()) as db:
        if find_staff(db, email) is not None:
            form.email.errors = [*form.email.errors, "There is already an account for this email."]
            exists = True
        else:
            exists = False
            user = add_staff(
                db,
                email=email,
                password_hash=hash_password(str(form.password.data)),
                role=str(form.role.data),
            )
            audit(db, actor(), "staff.add", f"staff:{user.id}", email=email, role=user.role)
    if exists:
        return _accounts_page(form, 400)
    flash(f"Account added for {email}. Give them the password by a separate route.", "info")
    return redirect(url_for("staff.accounts"))


def _change_account(staff_id: int, action: str) -> Response:
    with transaction(sessions()) as db:
        user = get_staff(db, staff_id)
        if user is None:
            abort(404)
        if action == "deactivate" and user.id == current_user.id:
            flash("You cannot deactivate your own account.", "error")
            return redirect(url_for("staff.accounts"))
        if action == "unlock":
            unlock_staff(db, user)
        else:
            set_staff_active(db, user, action == "reactivate")
        audit(db, actor(), f"staff.{action}", f"staff:{user.id}", email=user.email)
        email = user.email
    flash(f"{email}: {action}d.", "info")
    return redirect(url_for("staff.accounts"))


@staff.post("/accounts/<int:staff_id>/deactivate")
@roles_required("admin")
def account_deactivate(staff_id: int) -> Response:
    return _change_account(staff_id, "deactivate")


@staff.post("/accounts/<int:staff_id>/reactivate")
@roles_required("admin")
def account_reactivate(staff_id: int) -> Response:
    return _change_account(staff_id, "reactivate")


@staff.post("/accounts/<int:staff_id>/unlock")
@roles_required("admin")
def account_unlock(staff_id: int) -> Response:
    return _change_account(staff_id, "unlock")


@staff.get("/offer")
@roles_required("admin")
def offer_entries() -> str:
    offer = _offer()
    today = utcnow().astimezone(ZoneInfo(web_config().timezone)).date()
    due = {entry.id for entry in offer.due_for_review(today, REVIEW_MONTHS)}
    return render_template(
        "staff/offer.html",
        entries=list(offer),
        due=due,
        due_count=len(due),
        today=today,
        months=REVIEW_MONTHS,
    )


@staff.get("/surveys")
@roles_required("admin")
def surveys() -> str:
    catalogue = figure_catalogue()
    with transaction(sessions()) as db:
        versions: dict[str, int] = {}
        for version in survey_versions(db):
            versions[version.survey_id] = versions.get(version.survey_id, 0) + 1
    return render_template(
        "staff/surveys.html", surveys=list(catalogue.values()), versions=versions
    )
