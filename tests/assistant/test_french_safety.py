"""French crisis detection (bot/safety/patterns_fr.yml): every pattern finds its own example and keeps quiet on
its look-alike; every veto silences its past or figurative use and lets the near crisis through; French
crises of every kind are found with or without accents; English behaviour is unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Tuple

import pytest
import yaml

from bot.safety import detect, has_risk_word
from bot.safety.detector import PATTERN_FILES, default_detector
from bot.safety.referral import crisis_message

FRENCH = yaml.safe_load(Path(PATTERN_FILES["fr"]).read_text(encoding="utf-8"))


def entries(section: str) -> Iterator[Tuple[str, dict]]:
    for signal in FRENCH["signals"]:
        for entry in signal.get(section) or []:
            yield signal["kind"], entry


PATTERNS = list(entries("patterns"))
VETOES = list(entries("unless"))


def test_every_french_pattern_and_veto_carries_its_two_examples():
    missing = [e for _, e in PATTERNS + VETOES if not (isinstance(e, dict) and e.get("fires") and e.get("quiet"))]
    assert not missing
    assert len(PATTERNS) >= 100 and len(VETOES) >= 30


@pytest.mark.parametrize("kind,entry", PATTERNS, ids=lambda v: v["pattern"][:40] if isinstance(v, dict) else v)
def test_a_french_pattern_finds_its_example_and_not_its_look_alike(kind, entry):
    french = default_detector().by_language("fr")
    assert french.pattern_matches(entry["pattern"], entry["fires"]), "the pattern itself must match its example"
    assert kind in [s.kind for s in french.detect_all(entry["fires"])]
    assert detect(entry["quiet"]) is None, f"{entry['quiet']!r} is no crisis"


@pytest.mark.parametrize("kind,entry", VETOES, ids=lambda v: v["pattern"][:40] if isinstance(v, dict) else v)
def test_a_french_veto_silences_its_example_and_not_the_crisis(kind, entry):
    french = default_detector().by_language("fr")
    assert french.pattern_matches(entry["pattern"], entry["quiet"]), "the veto itself must match its example"
    assert detect(entry["quiet"]) is None, f"{entry['quiet']!r} is told as past or as a figure of speech"
    assert kind in [s.kind for s in detect_all_kinds(entry["fires"])]


def detect_all_kinds(text):
    return default_detector().detect_all(text)


FRENCH_CRISES = [
    ("je veux mourir", "suicide"),
    # "(n')arriver pas à respirer": how many people in Ontario say "cannot breathe"
    ("elle n'arrive plus à respirer, elle devient bleue", "medical"),
    ("mon bébé arrive pas a respirer", "medical"),
    ("Je veux mourir", "suicide"),
    ("j'ai envie d'en finir ce soir", "suicide"),
    ("jpense a me suicider", "suicide"),
    ("je pense à me suicider", "suicide"),
    ("chu pu capable, jveux pu vivre", "suicide"),
    ("J’ai plus le goût de vivre", "suicide"),
    ("je vais m'enlever la vie", "suicide"),
    ("ma fille de 15 ans dit qu'elle veut se tuer", "suicide"),
    ("je me suis coupée exprès pis ça arrête pas de saigner", "suicide"),
    ("mon père est mort l'an passé, je veux mourir", "suicide"),
    ("Note d'agent : l'appelant dit qu'il compte mettre fin à ses jours ce soir", "suicide"),
    ("il m'a frappée et j'ai peur de rentrer à la maison", "violence"),
    ("mon chum me bat", "violence"),
    ("mon mari menace de me tuer", "violence"),
    ("je me sens pas en sécurité chez nous", "violence"),
    ("le bébé respire pas", "medical"),
    ("le bebe respire pas", "medical"),
    ("mon père s'est effondré et il respire plus", "medical"),
    ("j'ai avalé une poignée de pilules", "medical"),
    ("mon chum a fait une overdose, il respire presque pu", "medical"),
    ("mon bébé devient bleu", "medical"),
    ("je suis en train d'accoucher dans le char", "medical"),
    ("je pense que mon père fait une crise cardiaque", "medical"),
    ("j'ai nulle part où dormir ce soir", "shelter"),
    ("le proprio nous a mis dehors aujourd'hui, on dort dans le char", "shelter"),
    ("la maison est en feu", "danger"),
    ("ça sent le gaz partout", "danger"),
    ("quelqu'un essaie d'entrer chez nous", "danger"),
    ("y'a un gars avec un fusil dans le stationnement", "danger"),
    ("Hi, I'm not okay, je veux en finir", "suicide"),
]

FRENCH_LOOK_ALIKES = [
    "j'ai voulu mourir l'an passé mais ça va mieux",
    "il arrive pas à dormir depuis le déménagement",
    "j'ai voulu mourir l'an passe mais ca va mieux",
    "je meurs de faim",
    "c'est mortel",
    "ce formulaire va me tuer",
    "ça me tue, cette paperasse",
    "mon frère s'est suicidé le mois passé pis je suis l'exécuteur",
    "ma soeur est morte d'une overdose il y a trois semaines",
    "on a appelé le 911 mais c'était trop tard",
    "mon père est mort d'une crise cardiaque la semaine passée",
    "ma business marche en feu",
    "je me noie dans la paperasse",
    "j'ai fait une overdose il y a deux ans, je suis clean",
    "le détecteur de monoxyde bip, faut changer la pile",
    "je veux plus vivre à Toronto, on déménage à Ottawa",
    "mon cell est mort",
    "mon chien est mort",
    "je suis mort de rire",
    "ma mère va me tuer si je rate l'autobus",
    "l'ARC me menace de pénalités",
    "on veut recommencer à zéro",
    "j'ai tué le temps en attendant",
    "ma fille est née bleue mais elle va bien maintenant",
]


@pytest.mark.parametrize("text,kind", FRENCH_CRISES)
def test_french_crises_are_found(text, kind):
    signal = detect(text)
    assert signal is not None and signal.kind == kind, signal


@pytest.mark.parametrize("text", FRENCH_LOOK_ALIKES)
def test_french_past_figurative_and_negated_uses_are_no_crisis(text):
    assert detect(text) is None


@pytest.mark.parametrize("plain,accented", [("deja tue", "déjà tué"), ("je me scarifie", "je me scarifié")])
def test_accents_are_optional(plain, accented):
    french = default_detector().by_language("fr")
    assert french.sentences(plain) == french.sentences(accented)


def test_shared_words_are_judged_by_the_language_of_the_message():
    # French vetoes know "le mois passé"; the English '~suicide' alone would have fired on it
    assert detect("mon frère s'est suicidé le mois passé, je dois fermer ses comptes") is None
    # English vetoes know "last month"; the French 'suicid*' alone would have fired on it
    assert detect("my brother died by suicide last month and I'm the executor") is None
    # too short to tell: every detector judges, recall first
    assert detect("suicide") is not None


def test_french_figures_of_speech_do_not_confirm_a_crisis():
    assert not has_risk_word("ce formulaire va me tuer")
    assert not has_risk_word("je meurs de faim")
    assert has_risk_word("mon chum va me tuer")


def test_the_crisis_referral_is_in_french_with_911_and_988():
    for kind in (None, "suicide", "violence", "medical", "shelter", "danger"):
        text = crisis_message(kind, "fr")
        assert "911" in text and "9-8-8" in text
        assert "English" not in text and "call" not in text.lower().split()
    assert "français" in crisis_message("suicide", "fr")
    assert crisis_message("suicide", "en") != crisis_message("suicide", "fr")


def test_a_wildcard_the_syntax_does_not_know_is_a_clear_error():
    from bot.safety.detector import compile_pattern

    with pytest.raises(ValueError, match=r"\*3"):
        compile_pattern("veut *3 se tuer", {})
    assert compile_pattern("veut * se tuer", {})


def test_a_short_time_said_first_stays_with_its_clause_and_a_long_clause_stands_alone():
    french = default_detector().by_language("fr")
    assert french.sentences("l'an passé, j'ai voulu mourir") == [
        ["le", "an", "passe", "je", "ai", "voulu", "mourir", "__end__"]
    ]
    assert len(french.sentences("mon père est mort l'an passé, je veux mourir")) == 2
