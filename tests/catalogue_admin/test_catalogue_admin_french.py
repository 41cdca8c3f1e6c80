"""The service owners' pages, the audit log and sign-in in French through the
real app: the staff language (switch and cookie, else Accept-Language, else
English), no English text of admin.en.yml left on any French page, a French
summary edited side by side round-trips, entries missing French text are
listed, the JSON-LD export carries the French edit, and no template holds a
hard-coded English text."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path
from typing import List

import jinja2
import pytest
from admin_support import BUNDLE, CRA_SERVICE, SC_SERVICE, form_fields, set_field
from fastapi.testclient import TestClient

from bot.web import i18n

EDIT = f"/admin/catalogue/services/{CRA_SERVICE}"
TEMPLATES = Path(i18n.__file__).parent / "templates"
OWN_TEMPLATES = sorted((TEMPLATES / "catalogue_admin").glob("*.html")) + [
    TEMPLATES / "audit" / "index.html",
    TEMPLATES / "signin.html",
]
FRENCH_SUMMARY = "Numéro à 9 chiffres qui identifie votre entreprise auprès de l'ARC (modifié en français)."


class _VisibleText(HTMLParser):
    """What a person reads (and a screen reader says) on a page: text and aria-labels, not the catalogue's own
    data held in form fields (textarea), identifiers (code) or user names (translate="no")."""

    SKIPPED = {"textarea", "code", "script", "style"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: List[str] = []
        self.skipping = 0
        self.skipped: List[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED or ("translate", "no") in attrs:  # user names: translate="no"
            self.skipping += 1
            self.skipped.append(tag)
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if self.skipped and tag == self.skipped[-1]:
            self.skipped.pop()
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible(html: str) -> str:
    reader = _VisibleText()
    reader.feed(html)
    return re.sub(r"\s+", " ", " ".join(reader.parts))


def _said(piece: str, text: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text))


def english_fragments() -> List[str]:
    """Every literal piece of admin.en.yml's texts that French says differently (placeholders cut out), except
    words French uses too ("version", "page")."""
    english, french = i18n.messages("en"), i18n.messages("fr")
    french_text = " | ".join(text for key, text in french.items() if key.startswith("admin."))
    pieces = set()
    for key, text in english.items():
        if not key.startswith("admin.") or key.startswith("admin.switch.") or text == french[key]:
            continue
        for literal, _, _, _ in string.Formatter().parse(text):
            piece = literal.strip(" :;,.—()")
            if len(re.findall(r"[A-Za-z]", piece)) >= 3 and not _said(piece, french_text):
                pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


# The YAML examples in two hints are code, the same in both languages.
EXAMPLES = ("{fact: has_employees, eq: true}", "[{after: {days: 30}}]")


def english_left(page: str) -> List[str]:
    text = visible(page)
    for example in EXAMPLES:
        text = text.replace(example, " ")
    return [piece for piece in english_fragments() if _said(piece, text)]


def in_french(client) -> None:
    """Choose French with the switch, as a person would: the cookie keeps it."""
    response = client.get("/staff/language", params={"lang": "fr", "next": "/admin/catalogue"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/catalogue"
    assert i18n.LANG_COOKIE in response.headers["set-cookie"]


def french_page(client, url: str, status: int = 200, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.text[:500])
    assert '<html lang="fr">' in response.text, url
    left = english_left(response.text)
    assert not left, f"{url}: English left on the French page: {left}"
    return response.text


def test_every_admin_page_is_french_with_no_english_text_left(browser, api):
    root, olu, sam = browser("root"), browser("olu"), browser("sam")
    for person in (root, olu, sam):
        in_french(person.client)
    assert olu.post(EDIT, form_fields(olu.get(EDIT).text, EDIT) + [("do", "save")]).status_code == 303
    draft = api("olu").service(CRA_SERVICE)["open_drafts"][0]["draft_id"]

    listing = french_page(root.client, "/admin/catalogue")
    assert "Catalogue des services" in listing and "Nouveau service" in listing
    french_page(olu.client, "/admin/catalogue")
    edit = french_page(olu.client, EDIT)
    assert "Résumé (français)" in edit and "Résumé (anglais)" in edit, "both languages side by side"
    assert re.search(r'<textarea id="f-summary-fr" name="summary.fr" rows="4" lang="fr"', edit)
    assert re.search(r'<textarea id="f-summary-en" name="summary.en" rows="4" lang="en"', edit), (
        "each says its language"
    )
    french_page(root.client, "/admin/catalogue/new")
    french_page(olu.client, f"{EDIT}/history")
    french_page(olu.client, f"/admin/catalogue/drafts/{draft}")
    french_page(root.client, f"/admin/catalogue/drafts/{draft}")  # a reviewer's view: approve or send back
    french_page(root.client, "/admin/catalogue/review")
    french_page(olu.client, "/admin/catalogue/gaps")
    french_page(root.client, "/admin/audit")
    bad_dates = french_page(olu.client, "/admin/audit", params={"since": "hier"})
    assert "Entrez une date comme 2026-11-23." in bad_dates
    refused = french_page(sam.client, EDIT, status=403)
    assert "Vous ne pouvez pas modifier les services de" in refused
    imported = olu.post("/admin/catalogue/import", {"format": "csv"}, files={"file": ("x.csv", b"id\n,\n")})
    assert imported.status_code in (200, 422) and '<html lang="fr">' in imported.text
    assert not english_left(imported.text), english_left(imported.text)


def test_the_edit_form_errors_are_french(browser):
    olu = browser("olu")
    in_french(olu.client)
    fields = set_field(form_fields(olu.get(EDIT).text, EDIT), "applies_when.condition", "any: [unclosed")
    fields = set_field(fields, "documents.fr", "un\ndeux\ntrois\nquatre\ncinq\nsix\nsept\nhuit\nneuf\ndix")
    page = olu.post(EDIT, fields + [("do", "save")])
    assert page.status_code == 422 and '<html lang="fr">' in page.text
    assert "Rien n'a été enregistré" in page.text or "Rien n&#39;a été enregistré" in page.text
    assert "YAML ou JSON non valide" in page.text and "not valid YAML" not in page.text
    assert "il y a plus de lignes « fr » que de lignes en anglais" in page.text
    assert "Condition" in page.text and "Documents (anglais)" in page.text


@pytest.fixture()
def anonymous(admin_app):
    with TestClient(admin_app) as client:
        yield client


def test_sign_in_speaks_the_staff_language(anonymous):
    assert '<html lang="en">' in anonymous.get("/signin").text
    page = anonymous.get("/signin", headers={"Accept-Language": "fr-CA,fr;q=0.9"}).text
    assert '<html lang="fr">' in page and "Nom d'utilisateur" in visible(page) and not english_left(page)
    wrong = anonymous.post("/signin", data={"username": "nobody", "password": "x"}, headers={"Accept-Language": "fr"})
    assert "Ce formulaire de connexion a expiré" in visible(wrong.text) or "erroné" in visible(wrong.text)
    # the switch wins over the browser, and is remembered
    anonymous.get("/staff/language", params={"lang": "en", "next": "/signin"}, follow_redirects=False)
    assert '<html lang="en">' in anonymous.get("/signin", headers={"Accept-Language": "fr"}).text


def test_the_switch_keeps_to_this_site_and_refuses_unknown_languages(anonymous):
    away = anonymous.get("/staff/language", params={"lang": "fr", "next": "//evil.example/x"}, follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/"
    kept = anonymous.get(
        "/staff/language", params={"lang": "fr", "next": "/admin/audit?lang=en&page=2"}, follow_redirects=False
    )
    assert kept.headers["location"] == "/admin/audit?page=2", "an explicit ?lang= would hide the choice"
    bad = anonymous.get("/staff/language", params={"lang": "de"}, follow_redirects=False)
    assert bad.status_code == 400 and "en or fr" in bad.text


def test_a_french_summary_edited_side_by_side_round_trips(browser, api, public):
    olu = browser("olu")
    in_french(olu.client)
    fields = set_field(form_fields(olu.get(EDIT).text, EDIT), "summary.fr", FRENCH_SUMMARY)
    response = olu.post(EDIT, fields + [("do", "publish")])
    assert response.status_code == 303, response.text
    shown = olu.get(response.headers["location"]).text
    assert "Publiée. Les trousses donnent désormais la nouvelle version. (version 2)" in shown
    assert dict(form_fields(shown, EDIT))["summary.fr"] == FRENCH_SUMMARY, "the form shows what was saved"
    data = api("olu").service(CRA_SERVICE)["data"]
    assert data["summary"]["fr"] == FRENCH_SUMMARY and data["summary"]["en"], "English kept beside it"
    bundle = public.get("/api/bundles", params={**BUNDLE, "lang": "fr"}).json()
    assert next(s for s in bundle["services"] if s["id"] == CRA_SERVICE)["summary"] == FRENCH_SUMMARY

    # the JSON-LD export carries both languages, each tagged with its own
    graph = olu.get("/admin/catalogue/export", params={"format": "jsonld"}).json()["@graph"]
    node = next(n for n in graph if n.get("@id") == f"urn:onewindow:service:{CRA_SERVICE}")
    assert {"@language": "fr", "@value": FRENCH_SUMMARY} in node["dct:description"]
    assert {v["@language"] for v in node["dct:description"]} == {"en", "fr"}


def test_an_entry_missing_french_is_listed_and_shown_with_the_visible_fallback(browser, public, api):
    olu = browser("olu")
    in_french(olu.client)
    fields = set_field(form_fields(olu.get(EDIT).text, EDIT), "name.fr", "")
    fields = set_field(fields, "summary.fr", "")
    assert olu.post(EDIT, fields + [("do", "publish")]).status_code == 303
    review = visible(olu.get("/admin/catalogue/review").text)
    assert re.search(r"Texte français manquant \(\d+\)", review)
    section = review.split("Texte français manquant", 1)[1].split("Services sans responsable", 1)[0]
    assert CRA_SERVICE in olu.get("/admin/catalogue/review").text and "nom, résumé" in section
    listing = olu.get("/admin/catalogue").text
    assert "manque : nom, résumé" in visible(listing)
    assert re.search(rf'href="/admin/catalogue/services/{CRA_SERVICE}" lang="en">', listing), "English name marked"
    assert SC_SERVICE not in olu.get("/admin/catalogue/review").text, "only the owner's own organisations"
    listed = api("olu").get("/api/admin/review").json()["missing_french"]
    assert {"id": CRA_SERVICE, "organisation": "canada-revenue-agency", "fields": ["name", "summary"]} in listed
    service = next(
        s
        for s in public.get("/api/bundles", params={**BUNDLE, "lang": "fr"}).json()["services"]
        if s["id"] == CRA_SERVICE
    )
    english = browser("root").get(EDIT, headers={"Accept-Language": "en"}).text
    assert service["summary"] == dict(form_fields(english, EDIT))["summary.en"], "the English text, as a fallback"


def test_english_is_unchanged_for_english_speakers(browser):
    olu = browser("olu")
    page = olu.get(EDIT, headers={"Accept-Language": "en-CA"}).text
    assert '<html lang="en">' in page and "Summary (English)" in page and "Summary (French)" in page
    assert "Résumé" not in page


# ------------------------------------------------------------------ no hard-coded English in a template


def hard_coded(template: str) -> List[str]:
    """Literal words a template shows outside t(): text between tags and the labels people read. Jinja's own
    lexer separates the template's literal text from its expressions (each expression becomes a marker)."""
    literal = "".join(
        value if kind == "data" else "\x00" if kind in ("variable_begin", "block_begin") else ""
        for _, kind, value in jinja2.Environment().lex(template)
    )
    found = []
    for name, value in re.findall(r'\b(aria-label|title|placeholder|alt)="([^"]*)"', literal):
        if re.search(r"[A-Za-z]{2,}", value):
            found.append(f'{name}="{value}"')
    text = re.sub(r"<code\b[^>]*>[^<\x00]*</code>", "", literal)  # commands and identifiers, in no language
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    text = re.sub(r'[\w-]+="[^"<]*"', " ", text)  # attributes a macro writes into a tag
    found += [word for word in re.findall(r"[A-Za-zÀ-ÿ]{2,}[A-Za-zÀ-ÿ'’-]*", text) if word != "OneWindow"]
    return found


@pytest.mark.parametrize("path", OWN_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_holds_hard_coded_english(path):
    assert hard_coded(path.read_text(encoding="utf-8")) == []


def test_the_hard_coded_check_finds_english():
    assert hard_coded('<h1>Sign in</h1><button aria-label="Close">{{ t("x") }}</button>') == [
        'aria-label="Close"',
        "Sign",
        "in",
    ]
    assert hard_coded("<p>{{ t('admin.signin.intro') }} <code>onewindow users add</code></p>") == []


def test_a_relation_needing_another_organisations_agreement_is_told_in_french(browser, api):
    olu, sam = browser("olu"), browser("sam")
    in_french(olu.client)
    in_french(sam.client)
    fields = form_fields(olu.get(EDIT).text, EDIT) + [("covers", SC_SERVICE), ("do", "publish")]
    sent = olu.post(EDIT, fields)
    assert sent.status_code == 303 and "done=submitted" in sent.headers["location"], sent.text
    assert "Soumise pour approbation" in olu.get(sent.headers["location"]).text
    draft_id = api("olu").service(CRA_SERVICE)["open_drafts"][0]["draft_id"]
    page = french_page(sam.client, f"/admin/catalogue/drafts/{draft_id}")
    assert "Exige l'accord de" in visible(page) and f"le lien « englobe » vers « {SC_SERVICE} »" in visible(page)
    refused = olu.post(f"/admin/catalogue/drafts/{draft_id}/publish")
    assert refused.status_code == 403 and '<html lang="fr">' in refused.text
    said = f"Cette modification ajoute le lien « englobe » vers « {SC_SERVICE} », service de Service Canada"
    assert said in visible(refused.text), visible(refused.text)
    assert not english_left(refused.text), english_left(refused.text)


def test_the_catalogues_validation_messages_are_french_on_a_french_page(browser):
    """The catalogue's checks speak English; the page tells them in French (bot/catalogue_admin/said.py). A
    message said.py does not know stays English, marked lang="en" (tests/catalogue_admin/test_said.py)."""
    olu = browser("olu")
    in_french(olu.client)
    page = olu.post(EDIT, set_field(form_fields(olu.get(EDIT).text, EDIT), "url", "not a url") + [("do", "save")])
    assert page.status_code == 422 and '<html lang="fr">' in page.text
    assert 'id="f-url-error"><span>adresse Web mal formée &#39;not a url&#39; : format attendu' in page.text
    assert "malformed URL" not in page.text
    english = browser("root").post(
        EDIT, set_field(form_fields(olu.get(EDIT).text, EDIT), "url", "not a url") + [("do", "save")]
    )
    assert 'id="f-url-error"><span>' in english.text, "an English page needs no mark"
