"""The public side of the web app: survey links, web chat, local offer, "you said, we did".

Nothing here needs a login. Who someone is comes only from a random cookie or
an invite link, turned into a keyed pseudonym by surveys.people.
"""

from __future__ import annotations

from flask import Flask


def register_public(app: Flask) -> None:
    from analysis.safeguarding import ContactWording, contact_wording
    from webforms.public.app_shell import app_shell_blueprint
    from webforms.public.chat import chat_blueprint
    from webforms.public.contact import contact_blueprint, contact_offer
    from webforms.public.language import current_language, names_marked
    from webforms.public.offer_pages import offer_blueprint
    from webforms.public.survey_form import survey_blueprint
    from webforms.public.views import message_html
    from webforms.public.you_said import you_said_blueprint

    for blueprint in (
        survey_blueprint,
        chat_blueprint,
        offer_blueprint,
        you_said_blueprint,
        contact_blueprint,
        app_shell_blueprint,
    ):
        app.register_blueprint(blueprint)
    from webforms.public.notify_pages import register_notify_pages

    register_notify_pages(app)  # texts and emails through GOV.UK Notify, if set up
    app.add_template_filter(message_html, "public_message")
    app.add_template_filter(names_marked, "names_marked")
    app.add_template_global(contact_offer, "contact_offer")

    def contact_wording_here(audience: str | None = None) -> ContactWording:
        """The question in the page's language, as the help above it is."""
        return contact_wording(audience, language=current_language())

    app.add_template_global(contact_wording_here, "contact_wording")
