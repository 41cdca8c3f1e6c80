"""Named facts about a person's situation (`has_employees`, `municipality`…).

Facts are declared in seed/facts.yml: their type, allowed values and the
question that asks for them. Conditions, questions and the assistant's forms
all read this one registry, so adding a fact is a data change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from pydantic import BaseModel, Field, validator

from onewindow_catalogue.text import LocalText, localise

FACT_TYPES = ("boolean", "choice", "municipality", "date", "number")
TRUE_WORDS = {"true", "yes", "y", "yeah", "yep", "oui"}
FALSE_WORDS = {"false", "no", "n", "nope", "non"}
YES_NO_LABELS: Dict[str, LocalText] = {"true": {"en": "Yes", "fr": "Oui"}, "false": {"en": "No", "fr": "Non"}}


class FactValue(BaseModel):
    """One allowed answer of a choice fact."""

    id: str
    label: LocalText


class Fact(BaseModel):
    """A fact the bundle engine may need, and how to ask for it."""

    id: str = Field(..., regex=r"^[a-z][a-z0-9_]*$")
    type: str
    question: LocalText
    values: List[FactValue] = []
    life_events: List[str] = []
    help: LocalText | None = None
    # What a value says about other facts: {"true": {"immigration_status": "citizen"}}. A person born and raised
    # in Canada is not asked whether they are a newcomer to Canada. Implied values never override a stated one.
    implies: Dict[str, Dict[str, Any]] = {}

    @validator("type")
    def _known_type(cls, value: str) -> str:
        if value not in FACT_TYPES:
            raise ValueError(f"must be one of {', '.join(FACT_TYPES)}")
        return value

    @validator("values", always=True)
    def _choices_need_values(cls, value: List[FactValue], values: Dict[str, Any]) -> List[FactValue]:
        if values.get("type") == "choice" and not value:
            raise ValueError("a choice fact needs at least one value")
        return value

    @property
    def is_ordered(self) -> bool:
        return self.type in ("number", "date")

    @property
    def value_ids(self) -> List[str]:
        return [value.id for value in self.values]

    def check_value(self, value: Any) -> str | None:
        """An error message when `value` is not a valid value of this fact."""
        if self.type == "boolean" and not isinstance(value, bool):
            return f"expects true or false, got {value!r}"
        if self.type == "choice" and value not in self.value_ids:
            return f"expects one of {', '.join(self.value_ids)}, got {value!r}"
        if self.type == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return f"expects a number, got {value!r}"
        if self.type == "date" and not isinstance(value, dt.date):
            return f"expects a date (YYYY-MM-DD), got {value!r}"
        if self.type == "municipality" and (not isinstance(value, str) or not value.strip()):
            return f"expects a municipality name, got {value!r}"
        return None

    def parse(self, raw: Any) -> Any:
        """Turn an answer from a form, a query string or a button into a typed
        value; raises ValueError with a message a person can act on."""
        if raw is None:
            return None
        if self.type == "boolean":
            if isinstance(raw, bool):
                return raw
            word = str(raw).strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ValueError(f"'{self.id}' expects yes or no (true/false), got {str(raw)[:40]!r}")
        if self.type == "choice":
            word = str(raw).strip().lower()
            if word in self.value_ids:
                return word
            raise ValueError(f"'{self.id}' expects one of {', '.join(self.value_ids)}, got {str(raw)[:40]!r}")
        if self.type == "number":
            try:
                return float(raw) if "." in str(raw) else int(str(raw))
            except ValueError:
                raise ValueError(f"'{self.id}' expects a number, got {str(raw)[:40]!r}") from None
        if self.type == "date":
            if isinstance(raw, dt.date):
                return raw
            try:
                return dt.date.fromisoformat(str(raw).strip())
            except ValueError:
                raise ValueError(f"'{self.id}' expects a date as YYYY-MM-DD, got {str(raw)[:40]!r}") from None
        text = str(raw).strip()
        if not text:
            raise ValueError(f"'{self.id}' expects a municipality name")
        return text

    def label_of(self, value: Any, lang: str = "en") -> str:
        """How a value reads to a person."""
        for choice in self.values:
            if choice.id == value:
                return localise(choice.label, lang) or choice.id
        if isinstance(value, bool):
            return localise(YES_NO_LABELS[str(value).lower()], lang) or str(value)
        return str(value)

    def options(self, lang: str = "en") -> List[Dict[str, str]]:
        """Quick-reply options for the question (empty for free answers)."""
        if self.type == "boolean":
            return [{"value": key, "label": localise(label, lang) or key} for key, label in YES_NO_LABELS.items()]
        return [{"value": choice.id, "label": localise(choice.label, lang) or choice.id} for choice in self.values]
