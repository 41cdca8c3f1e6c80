"""Which language a message is written in: English, French, or too little to tell.

Deterministic and cheap (no model, no download): it counts the function words of each language
("je", "pas", "pis" / "the", "and", "my"), French texting forms ("jsp", "stp", "chu"), and words
with French accents. People in Ontario mix the two ("je move a Toronto next month"), so the language
with clearly more of these wins; a short or balanced message (a name, "ok", "bonjour", "oui") gives
None, and the caller keeps the language the person chose on the page. Words both languages use
("on", "a", "son", "plus", "car", "me", "as", "pain") count for neither.

Used by the safety detector (bot/safety/detector.py) to let each language's patterns judge the words
both languages share ("suicide", "overdose"), and by the chat router to pick or switch the language.
"""

from __future__ import annotations

import re
from typing import Optional

FRENCH = "fr"
ENGLISH = "en"


def _words(text: str) -> frozenset:
    return frozenset(text.split())


# Function words and everyday forms, accents stripped or not (people write both).
_FRENCH_WORDS = _words(
    """
    je j tu il elle ils elles nous vous le la les un une des du de d l et est pas ne n que qu qui quoi
    c ce ca ça cette ces cet mais ou où au aux avec pour dans sur chez mon ma mes ton ta tes sa ses notre nos
    votre vos leur leurs suis es sommes etes êtes sont ai avons avez ont etait était etais étais ete été
    fait faut veux veut peux peut vais va allons dois doit aussi tres très comment pourquoi quand
    bonjour merci oui salut allo svp stp slt jsp pk pcq pck mtn bcp jveux jvais jpeux jsuis chu chui jpense
    tkt qqn qqch cmt pis icitte asteure astheure faque pantoute ouin tse tsé ben ya y'a moi toi lui eux
    rien jamais encore deja déjà avoir etre être mais donc alors parce aujourd hier demain depuis pu jai jme
    chuis jsais beaucoup besoin faire quelqu quelque toujours vraiment voici voila voilà
    """
)
_ENGLISH_WORDS = _words(
    """
    i you he she we they the and is are was were my your his her our their to of in for with at it
    this that these those what how do does did have has had not can could will would just so im i'm
    dont don't doesn't didn't can't won't please hi hello thanks thank yes want need get from about be
    been am there here if or but who when why which some any because been being its it's i've i'll i'd
    we're they're you're let
    """
)
_ACCENTED = re.compile(r"[éèêëàâîïôûùüçœ]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
MIN_SCORE = 2  # fewer clues than this: too short to tell
RATIO = 2.0  # the winner needs this many times the other's clues


def language_scores(text: Optional[str]) -> tuple:
    """(French clues, English clues) in the text: function words of each, plus one per French accented word."""
    lowered = (text or "").lower().replace("\u2019", "'")
    french = english = 0
    for word in _WORD.findall(lowered):
        parts = [word, *word.split("'")] if "'" in word else [word]
        is_french = any(p in _FRENCH_WORDS for p in parts) or bool(_ACCENTED.search(word))
        is_english = any(p in _ENGLISH_WORDS for p in parts)
        if is_french and not is_english:
            french += 1
        elif is_english and not is_french:
            english += 1
    return french, english


def detect_language(text: Optional[str]) -> Optional[str]:
    """'fr', 'en', or None when the text is too short or too mixed to tell (keep the page's language).

    A button payload ("/affirm") is no text and gives None."""
    if not text or not text.strip() or text.lstrip().startswith("/"):
        return None
    french, english = language_scores(text)
    if french >= MIN_SCORE and french >= RATIO * english:
        return FRENCH
    if english >= MIN_SCORE and english >= RATIO * french:
        return ENGLISH
    return None


__all__ = ["ENGLISH", "FRENCH", "detect_language", "language_scores"]
