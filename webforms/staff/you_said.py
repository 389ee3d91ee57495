"""Posts for "you said, we did": staff write, edit, publish and unpublish updates.

Each update is linked to one theme from the shared taxonomy, so young people
can see what changed about the things they talk about most.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from storage.audit import audit
from storage.db import transaction
from storage.you_said import add_post, all_posts, get_post, set_published, update_post
from webforms.staff.blueprint import actor, sessions, staff
from webforms.staff.forms import YouSaidForm
from webforms.staff.roles import roles_required
from webforms.staff.themes import theme_label


@staff.route("/you-said", methods=["GET", "POST"])
@roles_required("participation")
def you_said() -> Any:
    form = YouSaidForm()
    if form.validate_on_submit():
        with transaction(sessions()) as db:
            post = add_post(
                db,
                theme=str(form.theme.data),
                you_said=str(form.you_said.data),
                we_did=str(form.we_did.data),
                author=actor(),
                published=bool(form.published.data),
            )
            audit(db, actor(), "you_said.add", f"you_said:{post.id}", published=post.published)
        flash(
            "Update saved and published."
            if form.published.data
            else "Draft saved: young people will not see it until you publish it.",
            "info",
        )
        return redirect(url_for("staff.you_said"))
    with transaction(sessions()) as db:
        posts = all_posts(db)
    status = 400 if form.errors else 200
    return render_template(
        "staff/you_said.html", form=form, posts=posts, theme_label=theme_label
    ), status


@staff.route("/you-said/<int:post_id>", methods=["GET", "POST"])
@roles_required("participation")
def you_said_edit(post_id: int) -> Any:
    with transaction(sessions()) as db:
        post = get_post(db, post_id)
        if post is None:
            abort(404)
        form = YouSaidForm(obj=post)
        if form.validate_on_submit():
            update_post(
                db,
                post,
                theme=str(form.theme.data),
                you_said=str(form.you_said.data),
                we_did=str(form.we_did.data),
            )
            set_published(db, post, bool(form.published.data))
            audit(db, actor(), "you_said.edit", f"you_said:{post.id}", published=post.published)
            flash("Update saved.", "info")
            return redirect(url_for("staff.you_said"))
    status = 400 if form.errors else 200
    return render_template("staff/you_said_edit.html", form=form, post=post), status


@staff.post("/you-said/<int:post_id>/publish")
@roles_required("participation")
def you_said_publish(post_id: int) -> Response:
    return _set_published(post_id, True)


@staff.post("/you-said/<int:post_id>/unpublish")
@roles_required("participation")
def you_said_unpublish(post_id: int) -> Response:
    return _set_published(post_id, False)


def _set_published(post_id: int, published: bool) -> Response:
    with transaction(sessions()) as db:
        post = get_post(db, post_id)
        if post is None:
            abort(404)
        set_published(db, post, published)
        action = "you_said.publish" if published else "you_said.unpublish"
        audit(db, actor(), action, f"you_said:{post.id}")
    flash("Published." if published else "Taken down; it is kept as a draft.", "info")
    return redirect(url_for("staff.you_said"))
