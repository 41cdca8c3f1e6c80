"""What the assistant says it understood: readable in the person's language, and not hidden from them by the
transcript's redaction."""

from __future__ import annotations

from datetime import date

from bot.assistant.conversation import fact_summary
from bot.privacy import redact

FACTS = [("born_in_ontario", True), ("birth_date", "2026-12-06"), ("municipality", "City of Ottawa")]


def test_french_names_the_place_and_english_gives_its_official_name(seed_snapshot):
    assert "Ottawa" in fact_summary(seed_snapshot, FACTS, "fr") and "City of" not in fact_summary(
        seed_snapshot, FACTS, "fr"
    )
    assert "City of Ottawa" in fact_summary(seed_snapshot, FACTS, "en")


def test_a_babys_birth_date_said_back_is_not_redacted_from_the_transcript(seed_snapshot):
    for lang in ("en", "fr"):
        said = fact_summary(seed_snapshot, FACTS, lang)
        assert "2026-12-06" in said and redact(said, today=date(2026, 12, 7)).text == said, said


def test_the_checklist_names_the_place_in_the_persons_language():
    from bot.assistant.summary import bundle_text

    bundle = {
        "events": [{"id": "birth", "title": "Avoir un bébé"}],
        "municipality": {"name": "City of Ottawa", "short_name": "Ottawa", "region": None},
        "services": [{"id": "on-birth-registration", "name": "Enregistrer la naissance"}],
    }
    assert "Ottawa" in bundle_text(bundle, "fr") and "City of" not in bundle_text(bundle, "fr")
    assert "City of Ottawa" in bundle_text({**bundle, "events": [{"id": "birth", "title": "Having a baby"}]}, "en")


def test_the_understood_answers_name_the_place_in_the_persons_language(seed_snapshot):
    from onewindow_catalogue.bundle import build_bundle

    for lang, expected in (("fr", "Ottawa"), ("en", "City of Ottawa")):
        bundle = build_bundle(seed_snapshot, ["birth"], {"municipality": "City of Ottawa"}, lang=lang)
        answers = {item["fact"]: item["answer"] for item in bundle["understood"]}
        assert answers["municipality"] == expected
