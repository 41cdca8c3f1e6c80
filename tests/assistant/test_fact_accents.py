"""The fact matcher compares words lower-cased and without accents (fact_matcher.py `fold`), so
fact_cues.yml lists one spelling of a word: French written with or without accents settles the
same facts, while the few words whose unaccented form is another word (`keep_accents`) do not."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator, List, Tuple

import pytest
from support import MONDAY, facts_of

from bot.components.fact_matcher import CUES_PATH, default_matcher
from bot.rules.files import load_fact_cues


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


def test_a_word_is_folded_unless_it_keeps_its_accent(matcher):
    assert matcher.fold("Décédée") == "decedee"
    assert matcher.fold("QUÉBEC") == "quebec"
    assert matcher.fold("ne\u0301") == "né"  # "né" typed with a combining accent is still "né"
    assert matcher.fold("n't") == "n't"


@pytest.mark.parametrize(
    "text, fact, value",
    [
        ("notre fille est nee a Hawkesbury la semaine passee", "born_in_ontario", "true"),
        ("ma tante est nee au Quebec, elle vit a Cornwall", "born_in_ontario", "false"),
        ("on est arrives de Tunisie au printemps", "arrived_from", "country"),
        ("chu arrivee de Moncton pour travailler", "arrived_from", "province"),
        ("elle est morte a l'hopital deux jours apres", "death_in_ontario", "true"),
        # and the other way: an accented word finds a cue written without accents
        ("la garderie aura trois employées", "has_employees", "true"),
    ],
)
def test_french_without_its_accents_settles_the_same_facts(matcher, text, fact, value):
    assert facts_of(matcher, text).get(fact) == value


@pytest.mark.parametrize(
    "text, fact",
    [
        ("ma mère ne vit plus au Maroc", "born_in_ontario"),  # "ne" is not "né"
        ("my appointment is tues in Buffalo", "death_in_ontario"),  # "tues" is not "tués"
        ("I moved from suede to leather jackets", "arrived_from"),  # "suede" is not "Suède"
    ],
)
def test_a_word_that_keeps_its_accent_is_not_its_unaccented_look_alike(matcher, text, fact):
    assert fact not in facts_of(matcher, text)


def test_the_present_tense_is_not_the_past_participle(matcher):
    # "accouche" (is giving birth) is not "accouché" (gave birth): the date stays the death's
    text = "Mon père est décédé la semaine passée pis ma blonde accouche dans 2 semaines"
    assert facts_of(matcher, text, today=dt.date(2026, 12, 7)).get("death_date") == "2026-11-30"


def test_orleans_with_its_accent_is_ottawas_without_context(matcher):
    assert facts_of(matcher, "J'ouvre un bar à Orléans en septembre").get("municipality") == "City of Ottawa"
    assert "municipality" not in facts_of(matcher, "we loved orleans jazz", today=MONDAY)


def _lists(value: Any, where: str) -> Iterator[Tuple[str, List[str]]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _lists(item, f"{where}.{key}")
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        yield where, value


def test_no_cue_list_spells_one_word_twice(matcher):
    """Two spellings the matcher reads alike are one cue: the file keeps one (issue 16)."""
    twice = []
    for where, words in _lists(load_fact_cues(CUES_PATH), "fact_cues"):
        seen = {}
        for word in words:
            # as the matcher reads them ("C.-B." and "c.-b." are tokenised apart); ambiguous names as written
            key = (word.lower(),) if where.endswith("ambiguous") else matcher.folded(word)
            if key in seen:
                twice.append(f"{where}: {seen[key]!r} and {word!r}")
            seen.setdefault(key, word)
    assert not twice, "\n".join(twice)
