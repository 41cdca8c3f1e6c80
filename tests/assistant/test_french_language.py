"""Language detection (bot/language.py): French as people in Ontario write it (no accents, texting,
Franco-Ontarian words, code-switching) is French; English is English; short or balanced text is None so the
page's choice stands."""

from __future__ import annotations

import pytest

from bot.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, mon père est décédé la semaine passée",
        "mon pere est decede pis jsp quoi faire",
        "slt jveux partir une business",
        "chu arrivé du Québec, c'est quoi les affaires à faire",
        "Note d'agent : la cliente a accouché le 3 à Sudbury",
        "Hi, je move de Montreal a Toronto next month, c'est quoi la premiere chose a faire pour mon driver's licence",
        "la health card de mon pere est expiree",
        "je veux mourir",
        "j'ai besoin d'aide stp",
    ],
)
def test_french_is_french(text):
    assert detect_language(text) == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "my dad died last week and I'm the executor",
        "we just moved to Orléans from Alberta",
        "I want to start a business in Hawkesbury",
        "caller says she is due in March and lives in Sudbury",
        "I don't want to live anymore",
    ],
)
def test_english_is_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text", ["", "   ", "ok", "bonjour", "oui", "merci", "Sudbury", "Hawkesbury ON", "kms", "/affirm", "12 mars", None]
)
def test_short_or_unclear_text_keeps_the_pages_language(text):
    assert detect_language(text) is None
