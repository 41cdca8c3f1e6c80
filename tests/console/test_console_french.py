"""Every console page in French, through the real app: no English console text is left on it
(each console.en.yml text that differs from its French one must be absent), `<html lang="fr">`, data
(queue titles, dispositions, life events, reasons) in French; the language is the staff member's
choice (the switch, remembered), else Accept-Language, else English. And no template may hold an
English word outside `t()`: a hard-coded string fails test_no_template_text_outside_t."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml
from console_support import make_case
from test_console import ParserStub

from bot.cases import service as cases
from bot.web.i18n import LANG_COOKIE
from onewindow_catalogue.database import session_scope

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "bot" / "web" / "i18n"
TEMPLATES = ROOT / "bot" / "web" / "templates" / "console"
PLACEHOLDER = re.compile(r"\{\w+\}")
MARKED_ENGLISH = re.compile(r'<(\w+)\b[^>]*\blang="en"[^>]*>[^<]*</\1>')


def flat(node, prefix=""):
    if not isinstance(node, dict):
        return {prefix: str(node)}
    out = {}
    for key, value in node.items():
        out.update(flat(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def console_texts(lang):
    return flat(yaml.safe_load((MESSAGES / f"console.{lang}.yml").read_text(encoding="utf-8")))


def english_fragments():
    """The literal parts of each English console text that its French text does not share (a lone word
    shorter than 5 letters is left out: "of", "May", "page" also occur in French or in proper names)."""
    english, french = console_texts("en"), console_texts("fr")
    fragments = set()
    for key, text in english.items():
        for part in PLACEHOLDER.split(text):
            part = part.strip(" .:,;()—·")
            one_short_word = " " not in part and len(part) < 5  # "of", "May", "page": words French or names share
            if re.search(r"[A-Za-z]{2}", part) and not one_short_word and part not in french.get(key, ""):
                fragments.add(part)
    return sorted(fragments)


def page_text(page: str) -> str:
    """What a person reads or hears: the text, and the attributes shown or spoken (title, aria-label,
    placeholder, the data-text-* the script shows), entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = MARKED_ENGLISH.sub(" ", page)  # a language's own name ("English" on the switch) is marked lang="en"
    spoken = re.findall(r'\b(?:title|aria-label|placeholder|alt|data-text-[a-z]+)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *spoken]))


def english_found(page: str) -> list:
    text = " ".join(page_text(page).replace("\u2019", "'").split())
    found = []
    for fragment in english_fragments():
        for match in re.finditer(r"(?<!\w)" + re.escape(fragment) + r"(?!\w)", text):
            found.append(f"{fragment!r}: ...{text[max(0, match.start() - 50) : match.end() + 30]}...")
    return found


def in_french(signed_in):
    """The switch: ?lang=fr once, remembered by its cookie."""
    assert 'lang="fr"' in signed_in.get("/console?lang=fr").text
    assert signed_in.client.cookies.get(LANG_COOKIE) == "fr"
    return signed_in


def assert_french(response, *expected):
    assert response.status_code in (200, 409, 422), response.text[:500]
    assert '<html lang="fr">' in response.text
    assert english_found(response.text) == []
    for words in expected:
        assert words in html.unescape(response.text), words


@pytest.fixture()
def cases_of_every_kind(console_app, user_ids):
    """A waiting French case, an urgent one, one Ben holds, one Ana holds (with a transfer and a bundle)
    and a closed one: every part of every page has something to show."""
    made = {
        "french": make_case(
            console_app,
            queue="french",
            said="je veux ouvrir une boulangerie a Sudbury",
            consent={"given": True, "wording": "Un agent peut-il lire cette conversation?"},
        ),
        "urgent": make_case(console_app, urgent=True, reason="urgent", minutes_ago=5),
        "bens": make_case(console_app, queue="family", events=("birth",), facts={}, minutes_ago=12),
        "anas": make_case(console_app, reason="complex_case:estate_dispute", minutes_ago=30),
        "closed": make_case(console_app, queue="bereavement", events=("bereavement",), facts={}),
    }
    with session_scope(console_app.state.session_factory) as session:
        from bot.conversations import service as conversations

        french = cases.get_or_raise(db_session=session, case_id=made["french"]["id"])
        french.summary = {**french.summary, "lang": "fr"}
        conversations.get(db_session=session, conversation_id=made["french"]["conversation_id"]).lang = "fr"
        cases.claim(db_session=session, case_id=made["bens"]["id"], agent_id=user_ids["ben"])
        cases.claim(db_session=session, case_id=made["anas"]["id"], agent_id=user_ids["ana"])
        cases.transfer(
            db_session=session, case_id=made["anas"]["id"], agent_id=user_ids["ana"], queue="general", note="à voir"
        )
        cases.claim(db_session=session, case_id=made["anas"]["id"], agent_id=user_ids["ana"])
        cases.claim(db_session=session, case_id=made["closed"]["id"], agent_id=user_ids["ana"])
        cases.close(
            db_session=session,
            case_id=made["closed"]["id"],
            agent_id=user_ids["ana"],
            disposition="misdirected_avoided",
            note="",
            return_to_bot=True,
        )
    return made


def test_the_queues_page_in_french(ana, cases_of_every_kind):
    page = in_french(ana).get("/console")
    assert_french(page, "Files d'attente", "Service en français", "Entreprises", "Deuil", "Délai", "Français")
    assert "Démarrer une entreprise" in page.text or "entreprise" in page.text  # the life event's French title
    filtered = ana.get("/console?queue=french")
    assert_french(filtered, "Dossiers en attente dans la file « Service en français » (1)")


def test_every_case_page_in_french(ana, cases_of_every_kind):
    in_french(ana)
    for name, expected in {
        "french": ("Prendre en charge le dossier", "je veux ouvrir une boulangerie a Sudbury", "Seul un agent"),
        "urgent": ("Urgent", "Urgent : risque pour la sécurité"),
        "bens": ("Ben Agent a pris ce dossier en charge",),
        "anas": ("Transférer le dossier", "Fermer le dossier", "Situation complexe (différend successoral)", "file"),
        "closed": ("Appel mal acheminé évité", "Historique du dossier"),
    }.items():
        case = cases_of_every_kind[name]
        assert_french(ana.get(f"/console/cases/{case['id']}"), *expected)


def test_the_french_case_shows_what_the_person_wrote_in_french(ana, cases_of_every_kind):
    page = in_french(ana).get(f"/console/cases/{cases_of_every_kind['french']['id']}").text
    assert "Ce que la personne a écrit (en français)" in page
    assert '<q lang="fr" class="citizen-said">je veux ouvrir une boulangerie a Sudbury</q>' in page
    english = ana.get(f"/console/cases/{cases_of_every_kind['french']['id']}?lang=en").text
    assert "The person wrote (in French)" in english and 'lang="fr" title="Language">Français</span>' in english


def test_form_errors_and_notices_in_french(ana, cases_of_every_kind):
    in_french(ana)
    anas = cases_of_every_kind["anas"]["id"]
    for url, data, expected in [
        (f"/console/cases/{anas}/transfer", {"queue": "", "note": ""}, "Choisissez la file"),
        (f"/console/cases/{anas}/transfer", {"queue": "family", "note": " "}, "Écrivez une note"),
        (f"/console/cases/{anas}/bundle", {"action": "add", "add": ""}, "Tapez le nom"),
        (f"/console/cases/{anas}/bundle", {"action": "add", "add": "zzzz"}, "Aucun service du catalogue"),
        (f"/console/cases/{anas}/bundle", {"action": "send"}, "Cochez au moins un service"),
        (f"/console/cases/{anas}/reply", {"text": "  "}, "Tapez d'abord un message"),
        (f"/console/cases/{anas}/close", {"disposition": ""}, "Choisissez le résultat"),
        (f"/console/cases/{anas}/close", {"disposition": "referred_program"}, "« Orienté vers un programme précis »"),
    ]:
        response = ana.post(url, data)
        assert response.status_code == 422
        assert_french(response, expected)
        assert f'href="/console/cases/{anas}?lang=en"' in response.text  # the switch leads to a page, not a post
    not_mine = ana.post(f"/console/cases/{cases_of_every_kind['bens']['id']}/close", {"disposition": "abandoned"})
    assert not_mine.status_code == 409
    assert_french(not_mine, "Vous n'avez pas le dossier")
    claimed = ana.post(f"/console/cases/{cases_of_every_kind['urgent']['id']}/claim", follow=True)
    assert_french(claimed, "Vous avez pris en charge le dossier")
    refused = ana.post(f"/console/cases/{cases_of_every_kind['french']['id']}/claim", follow=True)
    assert_french(refused, "exige un agent qui parle la langue de la personne (file « Service en français »)")


def test_phone_triage_in_french(console_app, ana):
    console_app.state.parser = ParserStub()
    in_french(ana)
    assert_french(ana.get("/console/phone"), "Triage téléphonique", "Analyser")
    result = ana.post("/console/phone", {"text": "j'ouvre une boulangerie a Toronto"})
    assert_french(result, "Ce que OneWindow a reconnu", "Mettre la liste à jour", "Enregistrer comme dossier")
    assert "91\u00a0%" in result.text  # French typography: a no-break space before %
    empty = ana.post("/console/phone", {"text": "  "})
    assert empty.status_code == 422
    assert_french(empty, "Le texte est vide")
    console_app.state.parser = ParserStub(down=True)
    down = ana.post("/console/phone", {"text": "mon pere est decede"})
    assert down.status_code == 503 and "La reconnaissance est indisponible" in down.text
    assert english_found(down.text) == []


def test_reports_in_french(ana, cases_of_every_kind):
    in_french(ana)
    page = ana.get("/console/reports?from=2026-01-01&to=2026-12-31")
    assert_french(
        page, "Chiffres clés", "1er janvier 2026", "31 décembre 2026", "Clavardage", "Appel mal acheminé évité"
    )
    wrong = ana.get("/console/reports?from=demain")
    assert wrong.status_code == 422
    assert_french(wrong, "La date « Du » doit être une date")


def test_language_comes_from_the_choice_then_accept_language_then_english(console_app, browser_for):
    ana = browser_for("ana")
    assert '<html lang="en">' in ana.get("/console").text
    assert '<html lang="fr">' in ana.get("/console", headers={"Accept-Language": "fr-CA,fr;q=0.9"}).text
    chose = ana.get("/console?lang=en", headers={"Accept-Language": "fr-CA"})
    assert '<html lang="en">' in chose.text and ana.client.cookies.get(LANG_COOKIE) == "en"
    assert '<html lang="en">' in ana.get("/console", headers={"Accept-Language": "fr-CA"}).text  # remembered
    assert '<html lang="fr">' in ana.get("/console?lang=fr").text
    assert '<html lang="fr">' in ana.get("/console/reports").text  # every console page follows
    ignored = ana.get("/console?lang=xx")  # an unknown choice is ignored, the remembered one stays
    assert ignored.status_code == 200 and '<html lang="fr">' in ignored.text


def test_the_live_transcript_answers_in_the_staff_language(ana, cases_of_every_kind):
    in_french(ana)
    case = cases_of_every_kind["anas"]["id"]
    messages = ana.get(f"/api/console/cases/{case}/messages").json()["messages"]
    assert {m["sender_label"] for m in messages} >= {"Personne", "Assistant"}
    assert all(" h " in m["time"].replace("\u00a0", " ") for m in messages)


# --- no English outside t() -----------------------------------------------------------------------------------------
JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
SHOWN_ATTRIBUTES = re.compile(r'\b(?:title|aria-label|placeholder|alt|data-text-[a-z]+)="([^"]*)"')
ALLOWED = {"OneWindow"}  # names, not words to translate


def hard_coded(template: str) -> list:
    """Words a template shows that do not come from t(): text between tags and shown attributes, once
    every Jinja expression, statement and comment is taken out."""
    source = JINJA.sub(" ", template)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    shown = SHOWN_ATTRIBUTES.findall(source)
    text = re.sub(r"<[^>]+>", " ", source)
    words = re.findall(r"[^\W\d_]{2,}", html.unescape(" ".join([text, *shown])))
    return [word for word in words if word not in ALLOWED]


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda path: path.name)
def test_no_template_text_outside_t(template):
    assert hard_coded(template.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_hard_coded_string():
    assert hard_coded('<p>{{ t("console.x") }} Claim this case</p>') == ["Claim", "this", "case"]
    assert hard_coded('<a title="Refresh" href="/console">{{ t("console.y") }}</a>') == ["Refresh"]
    assert hard_coded("<p>{{ t('console.z') }} — {{ n }} · OneWindow</p>") == []


def test_the_french_check_finds_english():
    assert english_found('<p title="Within SLA">x</p>')
    assert english_found("<p>Nombre de dossiers : 3 — Claim</p>")
    assert not english_found("<p>Dossier OW-ABC123 : Prendre en charge</p>")
