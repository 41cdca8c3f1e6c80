"""Scoring of labelled cases (the metrics of `onewindow eval`), on hand-made results."""

import pytest

from bot.triage.evaluation import Case, CasesFileError, in_bundle, load_cases, report, score


def result(events, handoff=False, urgent=False, services=()):
    return {
        "life_events": [{"id": e, "confidence": 0.9} for e in events],
        "handoff": {"needed": handoff, "reason": None, "queue": None},
        "urgent": urgent,
        "bundle": {"services": [{"id": s} for s in services], "questions": []},
    }


def test_perfect_run(seed_snapshot):
    cases = [Case(1, "a", {"birth"}, services=["ca-sin"]), Case(2, "b", set(), handoff=True, urgent=True)]
    results = [result(["birth"], services=["on-newborn-registration-service"]), result([], True, True)]
    scores = score(cases, results, seed_snapshot)
    assert scores["event_exact_match"] == 1.0 and scores["misrouted_rate"] == 0.0
    assert scores["service_recall"] == 1.0  # ca-sin is covered by the newborn registration service
    assert scores["urgent_recall"] == 1.0 and scores["handoff"]["precision"] == 1.0
    assert scores["failures"] == []


def test_every_kind_of_mistake_is_counted(seed_snapshot):
    cases = [
        Case(1, "a", {"birth", "new_to_ontario"}),
        Case(2, "b", set(), urgent=True),
        Case(
            3,
            "c",
            {"bereavement"},
            handoff=None,
            services=["ca-cra-final-return"],
            not_services=["ca-cpp-death-benefit"],
        ),
        Case(4, "d", {"new_business"}),
    ]
    results = [
        result(["birth"]),
        result([], handoff=False, urgent=False),
        result(["bereavement"], handoff=True, services=["ca-cpp-death-benefit"]),
        result(["new_business"], handoff=True),
    ]
    scores = score(cases, results, seed_snapshot)
    assert scores["event_exact_match"] == 0.75
    assert scores["per_event"]["new_to_ontario"]["recall"] == 0.0
    assert scores["per_event"]["birth"]["precision"] == 1.0
    assert scores["urgent_recall"] == 0.0
    assert scores["handoff"] == {"precision": 0.0, "recall": None, "f1": None, "support": 0}
    assert scores["service_recall"] == 0.0 and scores["wrong_service_rate"] == 1.0
    assert scores["misrouted_rate"] == 0.75  # case 3 has handoff null (either is fine) and right events
    assert [f["case"] for f in scores["failures"]] == [1, 2, 3, 4]
    assert "failures (4)" in report(scores)


def test_in_bundle_follows_covers_transitively(seed_snapshot):
    present = in_bundle(result(["birth"], services=["on-newborn-registration-service"]), seed_snapshot)
    assert {"ca-sin", "ca-canada-child-benefit", "on-ontario-child-benefit"} <= present


def test_cases_file_problems_are_listed(tmp_path, seed_snapshot):
    path = tmp_path / "cases.yml"
    path.write_text(
        "cases:\n"
        "  - {text: ok, events: [birth]}\n"
        "  - {events: [birth]}\n"
        "  - {text: x, events: [wedding]}\n"
        "  - {text: y, events: [], services: [no-such-service]}\n"
        "  - {text: z, events: [], urgent: maybe}\n"
    )
    with pytest.raises(CasesFileError) as error:
        load_cases(path, seed_snapshot)
    message = str(error.value)
    for expected in (
        "case 2: needs 'text'",
        "case 3: unknown life event(s) ['wedding']",
        "case 4: unknown service id(s) in services",
        "case 5: 'urgent' must be true, false or null",
    ):
        assert expected in message


def test_absent_means_false_and_null_means_either(tmp_path, seed_snapshot):
    path = tmp_path / "cases.yml"
    path.write_text("cases:\n  - {text: a, events: []}\n  - {text: b, events: [], handoff: null}\n")
    first, second = load_cases(path, seed_snapshot)
    assert first.handoff is False and first.urgent is False and second.handoff is None


def test_heldout_file_is_well_formed(seed_snapshot):
    from pathlib import Path

    cases = load_cases(Path(__file__).resolve().parents[1] / "recognition" / "heldout" / "cases.yml", seed_snapshot)
    assert len(cases) >= 150


def test_unplaced_question_is_flagged_for_the_gap_report(seed_snapshot):
    from bot.triage.service import triage

    parse = {"intent": {"name": "other_service", "confidence": 0.9}, "intent_ranking": [], "entities": []}
    assert triage("where do I get a fishing licence", parse, seed_snapshot)["unmatched"] is True
    parse = {"intent": {"name": "birth", "confidence": 0.9}, "intent_ranking": [{"name": "birth", "confidence": 0.9}]}
    assert triage("we had a baby", parse, seed_snapshot)["unmatched"] is False


def test_life_events_from_the_recogniser_win_over_the_ranking(seed_snapshot):
    from bot.triage.service import life_events

    parse = {
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [{"name": "birth", "confidence": 0.3}],
        "life_events": [
            {"id": "new_to_ontario", "confidence": 0.9, "source": "cue"},
            {"id": "bereavement", "confidence": 0.81, "source": "diet+cue"},
        ],
    }
    assert life_events(parse, seed_snapshot.life_events) == [
        {"id": "bereavement", "confidence": 0.81},
        {"id": "new_to_ontario", "confidence": 0.9},
    ]
    del parse["life_events"]
    assert life_events(parse, seed_snapshot.life_events) == []  # 0.3 is below the threshold
