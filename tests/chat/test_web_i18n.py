"""bot/web/i18n.py: the request's language and the pages' texts in both languages."""

from __future__ import annotations

import json
import string

import pytest

from bot.web import i18n


@pytest.mark.parametrize(
    "header,expected",
    [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("en-US,en;q=0.9,fr;q=0.8", "en"),
        ("de-DE,fr;q=0.5,en;q=0.4", "fr"),
        ("en;q=0.2, fr-ca;q=0.7", "fr"),
        ("fr;q=0, en", "en"),
        ("de, es", None),
        ("", None),
        ("fr;q=abc, en;q=0.1", "en"),
    ],
)
def test_accept_language(header, expected):
    assert i18n.from_accept_language(header) == expected


def test_an_explicit_language_wins_over_the_header():
    assert i18n.request_language({"accept-language": "fr"}, "en") == "en"
    assert i18n.request_language({"accept-language": "fr"}, None) == "fr"
    assert i18n.request_language({}, "xx") == "en"


def test_french_pages_have_every_english_key_with_the_same_placeholders():
    english, french = i18n.messages("en"), i18n.messages("fr")
    assert set(english) == set(french)
    for key, text in english.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(french[key]) if f}, key


def test_the_widget_catalogues_match_and_french_is_no_placeholder():
    english, french = i18n.widget_strings("en"), i18n.widget_strings("fr")
    assert set(english) == set(french)
    assert "_content_lang" not in french and "_todo" not in french
    same = [k for k in english if not k.startswith("_") and english[k] == french[k]]
    shared_words = {"lang_en", "lang_fr", "log_label", "label_agent", "level_label_municipal"}  # same in French
    assert set(same) <= shared_words, same


def test_t_falls_back_to_english_then_to_the_default_and_never_shows_a_raw_key():
    assert i18n.t("print.title", "fr") == "Vos services"
    assert i18n.t("print.title", "de") == "Your services"
    assert i18n.t("print.channels.pigeon", "fr", default="pigeon") == "pigeon"
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "fr")


def test_widget_catalogue_files_are_valid_json():
    for lang in ("en", "fr"):
        json.loads((i18n.WIDGET_STRINGS_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def test_a_domain_keeps_its_texts_in_its_own_file_and_a_key_is_defined_once(tmp_path, monkeypatch):
    (tmp_path / "fr.yml").write_text("print:\n  title: Vos services\n", encoding="utf-8")
    (tmp_path / "console.fr.yml").write_text("console:\n  queues: Files d'attente\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "MESSAGES_DIR", tmp_path)
    i18n.messages.cache_clear()
    try:
        assert i18n.messages("fr") == {"print.title": "Vos services", "console.queues": "Files d'attente"}
        (tmp_path / "admin.fr.yml").write_text("print:\n  title: Encore\n", encoding="utf-8")
        i18n.messages.cache_clear()
        with pytest.raises(ValueError, match="print.title"):
            i18n.messages("fr")
    finally:
        i18n.messages.cache_clear()
