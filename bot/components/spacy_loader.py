"""One blank English spaCy pipeline for the rule-based recognisers.

No spaCy model is downloaded on these machines: the pipeline has only the
tokenizer, and the components add EntityRuler / Matcher / PhraseMatcher
patterns fed from the catalogue."""

from __future__ import annotations

from typing import Any

import spacy


def load_spacy() -> Any:
    return spacy


def blank_english() -> Any:
    """A blank English pipeline (tokenizer only; no model download)."""
    return spacy.blank("en")
