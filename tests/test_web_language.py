"""The public pages in the person's language, through Flask's test client (JavaScript off).

Every public page is rendered in Arabic and Pashto and read for English left in it: a
sentence a template forgot to wrap in gettext fails here, naming the page and the words.
Words the council writes in English (local offer entries, "you said, we did" posts) are
marked lang="en" in the page and are not counted; nor are names (Heard, Childline),
numbers and addresses.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from browser_support import choice_values, csrf_token, hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys import languages
from surveys.definition import load_catalogue
from surveys.messages import load_messages
from surveys.translations import localise
from webforms.public.language import LANGUAGE_COOKIE

TRANSLATIONS = Path(__file__).resolve().parents[1] / "webforms" / "translations"
TRANSLATED = [code for code in languages.shipped_codes() if code != languages.DEFAULT]
ALLOWED_LATIN = {"heard", "childline", "qr", "telegram", "pa", "nspcc"}
CATALOGUE = load_catalogue()


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def in_language(client: FlaskClient, code: str) -> None:
    """Choose a language the way a person does: the link on the page."""
    response = client.get(f"/language/{code}?next=/")
    assert response.status_code == 303 and response.headers["Location"] == "/"


class _Words(HTMLParser):
    """The words a person sees, leaving out what is marked as another language (lang="en"
    on the council's own English content), scripts and styles."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.words: list[str] = []
        self.title = ""

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            for name, value in attrs:
                if name in ("placeholder", "aria-label", "alt") and value:
                    self.words.append(value)
            return
        values = dict(attrs)
        lang = (values.get("lang") or "").lower()
        # <title> holds a local offer entry's own (English) title on its page: the page's
        # words are checked in its body, and the title's fixed words on every other page.
        skip = tag in ("script", "style", "title") or (lang.startswith("en") and tag != "html")
        # A language's own name in the chooser (lang="ar" on a link) is that language.
        self.stack.append((tag, skip))
        if not self._skipping() and values.get("aria-label"):
            self.words.append(values["aria-label"] or "")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.words.append(data)


def english_left(html: str) -> list[str]:
    """Runs of two or more English words (3+ letters each, not a name) the person would see."""
    parser = _Words()
    parser.feed(html)
    text = " ".join(parser.words)
    text = re.sub(r"https?://\S+|\S+@\S+|/[\w/.-]+", " ", text)
    found = []
    for run in re.findall(r"[A-Za-z][A-Za-z'’-]*(?:[\s,.:;!?()–-]+[A-Za-z][A-Za-z'’-]*)+", text):
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", run) if len(w) >= 3]
        if len([w for w in words if w.lower() not in ALLOWED_LATIN]) >= 2:
            found.append(run)
    single = [
        w
        for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", text)
        if w.lower() not in ALLOWED_LATIN and not any(w in run for run in found)
    ]
    return found + single


def post(client: FlaskClient, token: str, page: str, **data: str) -> str:
    response = client.post(f"/s/{token}", data={**hidden_fields(page), **data})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_choosing_arabic_sets_rtl_and_keeps_the_choice(app: Flask) -> None:
    client = app.test_client()
    english = client.get("/").get_data(as_text=True)
    assert 'lang="en-GB" dir="ltr"' in english
    assert "العربية" in english and "پښتو" in english  # each language in its own name
    chosen = client.get("/language/ar?next=/chat/start")
    assert chosen.status_code == 303 and chosen.headers["Location"] == "/chat/start"
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith(f"{LANGUAGE_COOKIE}=ar;") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    page = client.get("/chat/start")
    html = page.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "تحدّث مع Heard" in html and "اختر لغتك" in html
    assert "Cookie" in page.headers["Vary"] and "Accept-Language" in page.headers["Vary"]
    assert 'aria-current="true">العربية' in html.replace("\n", "")


def test_the_chooser_page_and_links_work_without_javascript(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/language?next=/you-said").get_data(as_text=True)
    for language in languages.shipped():
        link = f'href="/language/{language.code}?next=/you-said"'
        assert link in page, f"no plain link to {language.english_name} on /language"
    assert "<script" not in page.split("<footer")[0].split("</head>")[1]
    client.get("/language/ps?next=/you-said")
    assert '<html lang="ps" dir="rtl">' in client.get("/you-said").get_data(as_text=True)


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_choosing_never_sends_a_person_to_another_site(app: Flask, next_url: str) -> None:
    response = app.test_client().get("/language/ar", query_string={"next": next_url})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_an_unknown_or_unshipped_language_changes_nothing(app: Flask) -> None:
    client = app.test_client()
    for code in ("xx", "prs", "ckb"):  # prs and ckb are listed but not shipped yet
        response = client.get(f"/language/{code}?next=/")
        assert "Set-Cookie" not in response.headers
    assert 'lang="en-GB" dir="ltr"' in client.get("/").get_data(as_text=True)


def test_a_browser_set_to_arabic_gets_arabic_until_the_person_chooses(app: Flask) -> None:
    client = app.test_client()
    headers = {"Accept-Language": "ar-SA,ar;q=0.9,en;q=0.5"}
    assert 'lang="ar" dir="rtl"' in client.get("/", headers=headers).get_data(as_text=True)
    client.get("/language/en?next=/")
    assert 'lang="en-GB"' in client.get("/", headers=headers).get_data(as_text=True)


def test_staff_pages_stay_english_whatever_the_public_choice(app: Flask) -> None:
    client = app.test_client()
    in_language(client, "ar")
    login = client.get("/staff/login").get_data(as_text=True)
    assert 'lang="en-GB" dir="ltr"' in login and "Sign in" in login
    assert "language-links" not in login


def _public_pages(app: Flask, database: Database, code: str) -> dict[str, str]:
    """Every public page a young person can reach, rendered in `code`."""
    client = app.test_client()
    in_language(client, code)
    pages: dict[str, str] = {}
    for url in ("/", "/language", "/chat/start", "/offer", "/you-said", "/offline", "/nope"):
        pages[url] = client.get(url).get_data(as_text=True)
    areas = re.findall(r'href="(/offer/[a-z_-]+)"', pages["/offer"])
    assert areas, "no local offer topics to open"
    pages["offer topic"] = client.get(areas[0]).get_data(as_text=True)
    entries = re.findall(r'href="(/offer/entry/[^"]+)"', pages["offer topic"])
    if entries:
        pages["offer entry"] = client.get(entries[0]).get_data(as_text=True)
    start = pages["/chat/start"]
    client.post(
        "/chat/start",
        data={"csrf_token": csrf_token(start), "cohort": "child_in_care", "age_band": "11-17"},
    )
    pages["/chat"] = client.get("/chat").get_data(as_text=True)
    pages["/chat/my-data"] = client.get("/chat/my-data").get_data(as_text=True)
    pages["link unknown"] = client.get("/s/not-a-real-link-at-all").get_data(as_text=True)
    token = issue_link(database, "checkin-8-11")
    first = client.get(f"/s/{token}").get_data(as_text=True)
    pages["survey first page"] = first
    page = post(client, token, first, choice="no")
    pages["survey declined"] = page
    token = issue_link(database, "checkin-8-11")
    page = post(client, token, client.get(f"/s/{token}").get_data(as_text=True), choice="yes")
    page = post(client, token, page, choice="no")
    pages["survey question"] = page
    values = [v for v in choice_values(page) if v != "prefer_not_to_say"]
    page = post(client, token, page, action="answer", choice=values[-1])
    pages["survey paused"] = post(client, token, page, action="stop")
    pages["survey my answers"] = client.get(f"/s/{token}/my-data").get_data(as_text=True)
    assert 'class="my-answers"' in pages["survey my answers"]  # their answer, in words
    assert 'class="question-text"' in pages["survey question"]
    pages["survey delete answers?"] = client.get(f"/s/{token}/my-data/delete").get_data(
        as_text=True
    )
    return pages


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_public_page_has_english_left_in_it(app: Flask, database: Database, code: str) -> None:
    pages = _public_pages(app, database, code)
    leftover = {name: english_left(html) for name, html in pages.items()}
    leftover = {name: words for name, words in leftover.items() if words}
    assert not leftover, (
        f"English words on {code} pages (wrap them in gettext in the template, then "
        f"`make translations` and translate them): {leftover}"
    )
    for name, html in pages.items():
        assert f'lang="{code}" dir="rtl"' in html, name
    for name in ("/", "/chat/start", "/you-said", "/nope", "survey declined"):
        title = re.search(r"<title>(.*?)</title>", pages[name], re.S)
        assert title and not english_left(title.group(1)), (name, title)


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_survey_in_arabic_or_pashto_shows_its_questions_in_it_and_records_it(
    app: Flask, database: Database, code: str
) -> None:
    survey_id = "checkin-8-11"
    local = localise(CATALOGUE[survey_id], code)
    client = app.test_client()
    in_language(client, code)
    token = issue_link(database, survey_id)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert f'lang="{code}" dir="rtl"' in page
    page = post(client, token, page, choice="yes")  # consent
    page = post(client, token, page, choice="no")  # no quotes
    first_question = local.questions[0]
    assert first_question.text != CATALOGUE[survey_id].questions[0].text, "not translated"
    assert first_question.text.split("\n")[0][:20] in page
    values = [v for v in choice_values(page) if v != "prefer_not_to_say"]
    post(client, token, page, action="answer", choice=values[-1])
    with transaction(database.sessions) as session:
        stored = session.scalars(select(models.Answer)).all()
        assert [(a.question_id, a.language) for a in stored] == [(first_question.id, code)]


def test_the_read_aloud_button_speaks_the_pages_words(app: Flask, database: Database) -> None:
    client = app.test_client()
    in_language(client, "ar")
    token = issue_link(database, "checkin-8-11")
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert 'data-label-read="اقرأه لي"' in page and 'data-label-stop="أوقف القراءة"' in page


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalogue_is_complete_marked_draft_and_compiled(code: str) -> None:
    po_path = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
    po_text = po_path.read_text(encoding="utf-8")
    assert "to be checked by a qualified translator" in po_text.split("msgid")[0], (
        f"{po_path}: the header must say it is a draft to be checked by a qualified translator"
    )
    with po_path.open("rb") as handle:
        po = read_po(handle, locale=code)
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    missing = [m.id for m in template if m.id and (m.id not in po or not po[m.id].string)]
    assert not missing, f"{po_path}: not translated yet: {missing}"
    for message in po:
        if not message.id:
            continue
        ids = [str(i) for i in (message.id if isinstance(message.id, tuple) else [message.id])]
        raw = message.string
        strings = [str(t) for t in (raw if isinstance(raw, tuple | list) else [raw])]
        wanted_tags = sorted(re.findall(r"<[^>]+>", ids[0]))
        for string in strings:
            assert sorted(re.findall(r"<[^>]+>", string)) == wanted_tags, (po_path, message.id)
            names = set(re.findall(r"%\((\w+)\)s", ids[0]))
            assert set(re.findall(r"%\((\w+)\)s", string)) == names, (po_path, message.id)
    mo_path = po_path.with_suffix(".mo")
    with mo_path.open("rb") as handle:
        mo = read_mo(handle)
    said_po = {_key(m.id): _key(m.string) for m in po if m.id and not m.fuzzy}
    said_mo = {_key(m.id): _key(m.string) for m in mo if m.id}
    assert said_mo == said_po, f"{mo_path} is out of date: run `make translations`"


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_template_lists_every_word_the_public_pages_use() -> None:
    """messages.pot is extracted from the code: a new wrapped string not in it means
    `make translations` was not run (and its translations are missing)."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parents[1]
    config = root / "webforms" / "translations" / "babel.cfg"
    from babel.messages.frontend import parse_mapping_cfg

    with config.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "lazy_gettext": None}
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(root), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        listed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert found - listed == set(), f"run `make translations`: {sorted(found - listed)}"


def test_the_web_chat_asks_in_arabic_and_records_it(app: Flask, database: Database) -> None:
    client = app.test_client()
    in_language(client, "ar")
    start = client.get("/chat/start").get_data(as_text=True)
    client.post(
        "/chat/start",
        data={"csrf_token": csrf_token(start), "cohort": "child_in_care", "age_band": "11-17"},
    )
    page = client.get("/chat").get_data(as_text=True)
    # typing the Arabic word for "start" starts a check-in, as "start" does
    page = client.post(
        "/chat", data={**hidden_fields(page), "text": "ابدأ"}, follow_redirects=True
    ).get_data(as_text=True)
    words = load_messages(language="ar")
    assert words.consent_yes in page
    for choice in ("yes", "no"):  # consent, then no quotes
        form = re.search(r'<form[^>]*class="chat-choices.*?</form>', page, re.S)
        assert form, page
        page = client.post(
            "/chat", data={**hidden_fields(form.group(0)), "choice": choice}
        ).get_data(as_text=True)
    survey = localise(CATALOGUE["checkin-11-17"], "ar")
    assert survey.questions[0].text in page and 'dir="rtl"' in page
    form = re.search(r'<form[^>]*class="chat-choices.*?</form>', page, re.S)
    assert form
    client.post("/chat", data={**hidden_fields(form.group(0)), "choice": "4"})
    with transaction(database.sessions) as session:
        stored = session.execute(select(models.Answer.question_id, models.Answer.language)).all()
    assert [tuple(row) for row in stored] == [(survey.questions[0].id, "ar")]


def test_names_kept_in_english_inside_arabic_are_marked_as_english(app: Flask) -> None:
    """A service's own name inside translated words ("Staying Close", "PA") is read with an
    English voice and keeps its order in the right-to-left sentence; nothing is marked on
    an English page, and the words are escaped either way."""
    from webforms.public.language import names_marked

    words = "تكلّم مع الـ PA عن Staying Close، أو اتصل بـ Childline 0800 1111. <b>"
    with app.test_request_context("/", headers={"Cookie": "heard_lang=ar"}):
        in_arabic = str(names_marked(words))
    with app.test_request_context("/"):
        in_english = str(names_marked("Ask your PA about Staying Close <b>"))
    assert '<span lang="en" dir="ltr">PA</span>' in in_arabic
    assert '<span lang="en" dir="ltr">Staying Close</span>،' in in_arabic
    assert '<span lang="en" dir="ltr">Childline 0800 1111</span>.' in in_arabic
    assert "&lt;" in in_arabic and "<b>" not in in_arabic
    assert in_english == "Ask your PA about Staying Close &lt;b&gt;"
    assert english_left(in_arabic) == []
