"""Redactor behaviour: the labelled corpus, generated Luhn numbers, and invariants.

SINs and cards are also generated here with a Luhn helper written independently
of bot.privacy.luhn, so the tests do not trust the code they check.
"""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.privacy import KINDS, PLACEHOLDERS, Finding, Redaction, redact, redact_text
from bot.privacy.bench import measure
from bot.privacy.luhn import luhn_valid

CORPUS_PATH = Path(__file__).with_name("corpus.yml")
CORPUS = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))
TODAY = date.fromisoformat(CORPUS["reference_date"])
IDENTIFIERS = CORPUS["identifiers"]
LOOKALIKES = CORPUS["lookalikes"]


# ---------------------------------------------------------------- helpers


def check_digit(body: str) -> str:
    """Luhn check digit for `body` (independent implementation: doubling from the right)."""
    digits = [int(c) for c in body][::-1]
    total = sum(sum(divmod(d * 2, 10)) if i % 2 == 0 else d for i, d in enumerate(digits))
    return str(-total % 10)


def make_luhn(rng: random.Random, length: int, prefix: str = "") -> str:
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - 1 - len(prefix)))
    return body + check_digit(body)


def spaced(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(digits[at : at + size])
        at += size
    return sep.join(parts)


def only_digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def assert_gone(value: str, redacted: str) -> None:
    assert value not in redacted
    digits = only_digits(value)
    if len(digits) >= 5:
        assert digits not in only_digits(redacted)


RNG = random.Random(4045)
SIN_TEMPLATES = ["my sin is {} can u check", "SIN: {}", "{} is my social insurance number", "NAS {} merci"]
SIN_FORMS = [((3, 3, 3), " "), ((3, 3, 3), "-"), ((9,), "")]
GENERATED_SINS = [(SIN_TEMPLATES[i % 4].format(spaced(make_luhn(RNG, 9), *SIN_FORMS[i % 3])), "SIN") for i in range(36)]
CARD_BRANDS = [  # (prefix, length, grouping)
    ("4", 16, (4, 4, 4, 4)),
    ("4", 13, (13,)),
    ("51", 16, (4, 4, 4, 4)),
    ("2720", 16, (16,)),
    ("34", 15, (4, 6, 5)),
    ("37", 15, (15,)),
    ("6011", 16, (4, 4, 4, 4)),
    ("36", 14, (4, 6, 4)),
    ("4", 19, (4, 4, 4, 4, 3)),
]
GENERATED_CARDS = [
    (f"card {spaced(make_luhn(RNG, length, prefix), grouping, sep)} thanks", "CREDIT_CARD")
    for prefix, length, grouping in CARD_BRANDS
    for sep in (" ", "-")
]
GENERATED = GENERATED_SINS + GENERATED_CARDS


# ---------------------------------------------------------------- corpus


def test_corpus_is_big_and_covers_every_kind():
    assert len(IDENTIFIERS) >= 150
    assert len(LOOKALIKES) >= 60
    assert {kind for case in IDENTIFIERS for kind in case["kinds"]} == set(KINDS)
    for case in IDENTIFIERS:
        assert all(value in case["text"] for value in case["values"]), case


@pytest.mark.parametrize("case", IDENTIFIERS, ids=[c["text"][:40] for c in IDENTIFIERS])
def test_identifier_is_redacted(case):
    result = redact(case["text"], today=TODAY)
    assert set(result.kinds) == set(case["kinds"]), result.text
    for kind in case["kinds"]:
        assert PLACEHOLDERS[kind] in result.text
    for value in case["values"]:
        assert_gone(value, result.text)


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalike_survives(text):
    result = redact(text, today=TODAY)
    assert result.text == text
    assert result.found == ()


@pytest.mark.parametrize(("text", "kind"), GENERATED, ids=[t for t, _ in GENERATED])
def test_generated_luhn_numbers_are_redacted(text, kind):
    result = redact(text)
    assert result.kinds == (kind,)
    assert len(only_digits(result.text)) == 0


def test_findings_point_at_the_original_values():
    for case in IDENTIFIERS:
        text = case["text"]
        result = redact(text, today=TODAY)
        spans = [(f.start, f.end) for f in result.found]
        for value in case["values"]:
            at = text.index(value)
            assert any(s <= at and at + len(value) <= e for s, e in spans), (value, text)


# ---------------------------------------------------------------- Luhn boundaries


def test_luhn_reference_values():
    assert luhn_valid("79927398713")
    assert luhn_valid("046454286")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("")
    assert not luhn_valid("7")
    assert not luhn_valid("0464 54286")
    assert not luhn_valid("abcdefghi")


def test_luhn_helper_agrees_with_implementation():
    rng = random.Random(7)
    for _ in range(500):
        number = "".join(str(rng.randint(0, 9)) for _ in range(rng.randint(2, 19)))
        assert luhn_valid(number) == (check_digit(number[:-1]) == number[-1])


@pytest.mark.parametrize("seed", range(5))
def test_every_single_digit_typo_of_a_sin_survives(seed):
    sin = make_luhn(random.Random(seed), 9)
    assert redact_text(f"my sin is {sin}") == "my sin is [SIN]"
    for position in range(9):
        for digit in "0123456789":
            if digit == sin[position]:
                continue
            typo = sin[:position] + digit + sin[position + 1 :]
            assert redact_text(f"my sin is {typo}") == f"my sin is {typo}"


@pytest.mark.parametrize("seed", range(5))
def test_adjacent_transposition_of_a_card_survives(seed):
    card = make_luhn(random.Random(seed), 16, "4")
    assert redact(card).kinds == ("CREDIT_CARD",)
    for i in range(15):
        a, b = card[i], card[i + 1]
        if a == b or {a, b} == {"0", "9"} or i == 0:
            continue  # Luhn cannot see 09<->90; position 0 changes the issuer digit
        swapped = card[:i] + b + a + card[i + 2 :]
        assert redact(swapped).found == ()


@pytest.mark.parametrize("length", [12, 20])
def test_card_length_boundaries(length):
    rng = random.Random(length)
    number = make_luhn(rng, length, "4")
    assert redact(f"card {number}").found == ()
    for ok_length in (13, 19):
        assert redact(f"card {make_luhn(rng, ok_length, '4')}").kinds == ("CREDIT_CARD",)


def test_sin_length_boundaries():
    rng = random.Random(3)
    assert redact(f"sin {make_luhn(rng, 8)}").found == ()
    assert "SIN" not in redact(f"sin {make_luhn(rng, 10)}").kinds
    assert redact(f"sin {make_luhn(rng, 9)}").kinds == ("SIN",)


def test_business_number_is_not_a_sin_even_when_luhn_valid():
    bn = make_luhn(random.Random(11), 9)
    assert redact_text(f"my sin is {bn}") == "my sin is [SIN]"
    for text in (f"BN {bn}RT0001", f"business number {bn}", f"{bn} RT 0001"):
        assert redact_text(text) == text


# ---------------------------------------------------------------- overlaps and kinds


def test_card_is_not_split_into_phone_or_sin():
    card = make_luhn(random.Random(5), 16, "5")
    for form in (card, spaced(card, (4, 4, 4, 4), " "), spaced(card, (4, 4, 4, 4), "-")):
        result = redact(f"pay with {form} please")
        assert result.text == "pay with [CREDIT_CARD] please"


def test_health_card_versus_phone():
    assert redact_text("health card 4165550199") == "health card [HEALTH_CARD]"
    assert redact_text("call 4165550199") == "call [PHONE]"
    assert redact_text("4165-550-199") == "[HEALTH_CARD]"
    assert redact_text("416-555-0199") == "[PHONE]"
    assert redact_text("card 4165550199AB") == "card [HEALTH_CARD]"


def test_adjacent_phone_and_sin_in_one_number_run():
    assert redact_text("416 555 0199 046 454 286") == "[PHONE] [SIN]"


# ---------------------------------------------------------------- date of birth rule


@pytest.mark.parametrize(
    ("text", "today", "redacted"),
    [
        ("born on March 3, 2024", date(2026, 6, 1), True),
        ("born on March 3, 2025", date(2026, 6, 1), False),
        ("born on March 3, 2026", date(2026, 6, 1), False),
        ("born on March 3, 2025", date(2027, 1, 1), True),
        ("born on March 3", date(2026, 6, 1), False),
        ("born in 1985", date(2026, 6, 1), False),
        ("DOB March 3, 2026", date(2026, 6, 1), True),
        ("date of birth: 2026-03-03", date(2026, 6, 1), True),
        ("died on March 3, 1985", date(2026, 6, 1), False),
        ("DOB 31/31/1985", date(2026, 6, 1), False),
    ],
)
def test_date_of_birth_rule(text, today, redacted):
    assert (redact(text, today=today).kinds == ("DATE_OF_BIRTH",)) is redacted


def test_default_reference_date_is_today():
    assert redact_text("born on March 3, 1950") == "born on [DATE_OF_BIRTH]"
    this_year = date.today().year
    assert redact_text(f"born on March 3, {this_year}") == f"born on March 3, {this_year}"


# ---------------------------------------------------------------- invariants


ALL_TEXTS = [c["text"] for c in IDENTIFIERS] + LOOKALIKES + [t for t, _ in GENERATED]


@pytest.mark.parametrize("text", ALL_TEXTS, ids=range(len(ALL_TEXTS)))
def test_idempotent(text):
    once = redact(text, today=TODAY).text
    assert redact(once, today=TODAY).text == once


def test_idempotent_on_random_mixtures():
    """Fragments glued by odd separators and noise; findings stay sorted and disjoint."""
    rng = random.Random(2026)
    noise = "0123456789 -.()+@#$%,:/abcxyzABCXYZESTW[]\n"
    for _ in range(1500):
        parts = [
            rng.choice(ALL_TEXTS) if rng.random() < 0.5 else "".join(rng.choices(noise, k=rng.randint(1, 25)))
            for _ in range(rng.randint(1, 4))
        ]
        text = rng.choice(["", " ", "-", "\n", ", "]).join(parts)
        result = redact(text, today=TODAY)
        assert redact(result.text, today=TODAY).text == result.text, text
        ends = [0] + [f.end for f in result.found]
        assert all(ends[i] <= f.start < f.end <= len(text) for i, f in enumerate(result.found)), text


def test_identifier_behind_a_glued_identifier_is_caught():
    """'E+1888...' is rejected as glued to a letter until the address before it is a placeholder."""
    text = "the store is 400 Highway 7 E+18885142288"
    result = redact(text)
    assert result.text == "the store is [ADDRESS][PHONE]"
    assert [text[f.start : f.end] for f in result.found] == ["400 Highway 7 E", "+18885142288"]


def test_placeholder_words_are_not_context():
    assert redact_text("I typed [PHONE] 508 4802 lol") == "I typed [PHONE] 508 4802 lol"
    assert redact_text("[PASSPORT] ab 123456") == "[PASSPORT] ab 123456"


def test_empty_string():
    assert redact("") == Redaction(text="", found=())
    assert redact("").kinds == ()
    assert redact_text("") == ""


def test_rejects_non_text():
    with pytest.raises(TypeError):
        redact(None)  # type: ignore[arg-type]


def test_unicode_text_and_offsets():
    text = "Bonjour 👋 mon NAS est 046 454 286 — courriel josé.garcía@exemple.ca, 日本語 OK"
    result = redact(text)
    assert result.text == "Bonjour 👋 mon NAS est [SIN] — courriel [EMAIL], 日本語 OK"
    assert [text[f.start : f.end] for f in result.found] == ["046 454 286", "josé.garcía@exemple.ca"]


@pytest.mark.timeout(120)  # a catastrophic-backtracking hang becomes a failure (a guard, not a speed test)
def test_hundred_kilobyte_message():
    chunk = " ".join(c["text"] for c in IDENTIFIERS[:40]) + " " + " ".join(LOOKALIKES[:20]) + "\n"
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    result = redact(text, today=TODAY)
    assert len(text) == 100_000
    assert len(result.found) > 1000
    for case in IDENTIFIERS[:40]:
        for value in case["values"]:
            assert value not in result.text
    adversarial = ["7" * 100_000, "1234 " * 20_000, "a." * 50_000, "1 Main" + " " * 100_000, "dob " * 25_000]
    for text in adversarial:
        # Completes (no catastrophic backtracking), finds nothing in text that holds
        # no identifier, and still finds one placed after the noise.
        assert redact(text) == Redaction(text=text, found=())
        assert redact(text + " sin 046 454 286").text == text + " sin [SIN]"


def test_findings_never_hold_the_raw_value():
    assert [f.name for f in dataclasses.fields(Finding)] == ["kind", "start", "end"]
    assert [f.name for f in dataclasses.fields(Redaction)] == ["text", "found"]
    for case in IDENTIFIERS:
        result = redact(case["text"], today=TODAY)
        dumped = repr(result.found) + repr([dataclasses.asdict(f) for f in result.found])
        for value in case["values"]:
            assert value not in dumped
        for finding in result.found:
            assert set(vars(finding)) == {"kind", "start", "end"}
            assert finding.kind in KINDS
            with pytest.raises(dataclasses.FrozenInstanceError):
                finding.kind = "X"  # type: ignore[misc]


def test_kinds_are_distinct_in_order_of_appearance():
    result = redact("sin 046 454 286, call 416-555-0199, cell 647 555 0123, sin 130 692 544")
    assert result.kinds == ("SIN", "PHONE")
    assert [f.kind for f in result.found] == ["SIN", "PHONE", "PHONE", "SIN"]


def test_every_kind_is_shown_by_its_own_placeholder():
    """Each kind the corpus holds comes out as [KIND] in the text, once per finding,
    and every kind has at least one corpus case (a kind nothing exercises is untested)."""
    seen = set()
    for case in IDENTIFIERS:
        result = redact(case["text"], today=TODAY)
        for kind in case["kinds"]:
            seen.add(kind)
            assert f"[{kind}]" in result.text, (case["text"], result.text)
        shown = re.findall(r"\[([A-Z_]+)\]", result.text)
        original = re.findall(r"\[([A-Z_]+)\]", case["text"])
        assert sorted(shown) == sorted(original + [finding.kind for finding in result.found])
    assert seen == set(KINDS)
    assert set(PLACEHOLDERS) == set(KINDS)


def test_redacting_twice_changes_nothing_more():
    """Placeholders are never taken for identifiers, so a redacted text is a fixed point
    (the router and the tracker store may both redact the same message)."""
    for text in ALL_TEXTS:
        once = redact(text, today=TODAY).text
        assert redact(once, today=TODAY) == Redaction(text=once, found=()), text


def test_same_result_in_another_process():
    """Nothing depends on set or dict order: a process with other hash seeds gives the same text."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, sys, datetime; from bot.privacy import redact; "
        "today = datetime.date.fromisoformat(sys.argv[1]); "
        "print(repr([redact(text, today=today) for text in json.load(sys.stdin)]))"
    )
    here = repr([redact(text, today=TODAY) for text in ALL_TEXTS])
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", script, TODAY.isoformat()],
            input=json.dumps(ALL_TEXTS),
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            timeout=120,
        )
        assert done.stdout.strip() == here


# ---------------------------------------------------------------- bench


def test_bench_measures_the_corpus():
    report = measure(CORPUS_PATH, repeats=1)
    assert {"recall", "false_redaction_rate", "mean_us_per_message"} <= set(report)
    assert report["recall"] == 1.0
    assert report["false_redaction_rate"] == 0.0
    assert report["mean_us_per_message"] > 0
