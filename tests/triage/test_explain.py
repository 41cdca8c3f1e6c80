"""`onewindow explain`: the model's scores, the rules that fired and why, from a parse (no model needed)."""

from bot.triage.explain import explain, render, thresholds


def parse_of(text, ranking, signals=None, life_events=None, intent=None, safety=None):
    return {
        "text": text,
        "intent": intent or ranking[0],
        "intent_ranking": ranking,
        "model_intent_ranking": ranking,
        "entities": [],
        "handoff_signals": signals
        or {"urgent": False, "urgent_confidence": 0.02, "reason": None, "reason_confidence": 0.1},
        "life_events": life_events or [],
        **({"safety": safety} if safety else {}),
    }


def test_a_strong_cue_and_the_model_are_both_shown(seed_snapshot):
    text = "my father passed away last week in Hamilton"
    ranking = [{"name": "bereavement", "confidence": 0.91}, {"name": "other_service", "confidence": 0.05}]
    parse = parse_of(text, ranking, life_events=[{"id": "bereavement", "confidence": 0.91, "source": "strong cue"}])
    result = explain(text, parse, seed_snapshot)
    assert result["decision"]["life_events"] == ["bereavement"]
    assert result["model"]["intent_ranking"][0] == {"name": "bereavement", "confidence": 0.91}
    assert result["model"]["event_support"]["bereavement"] == 0.91
    cue = next(r for r in result["rules"] if r["layer"] == "life_event_cue")
    assert cue["event"] == "bereavement" and cue["strength"] == "strong"
    assert any(line.startswith("bereavement: in, a strong cue") for line in result["why"])
    assert any(line.startswith("Not urgent") for line in result["why"])
    assert "Rules that fired:" in render(result)


def test_a_learned_alarm_is_explained_by_its_score_and_threshold(seed_snapshot):
    text = "theres smoke coming into my apartment from the hallway"
    ranking = [{"name": "crisis", "confidence": 0.6}, {"name": "other_service", "confidence": 0.3}]
    signals = {"urgent": True, "urgent_confidence": 0.97, "reason": None, "reason_confidence": 0.0}
    parse = parse_of(text, ranking, signals, intent={"name": "crisis", "confidence": 1.0}, safety={"source": "learned"})
    result = explain(text, parse, seed_snapshot)
    assert result["decision"]["urgent"] is True
    assert result["model"]["urgent"] == {"score": 0.97, "threshold": thresholds()["urgent"], "fires": True}
    if not any(r["layer"] == "safety" for r in result["rules"]):
        assert "learned urgency score 0.97" in result["why"][0]
    assert result["decision"]["handoff"]["reason"] == "urgent"


def test_no_event_and_no_handoff_say_why(seed_snapshot):
    """The model's P(new_business) below its threshold, no cue: no event, and the explanation says so."""
    text = "what time does the office open"
    ranking = [{"name": "other_service", "confidence": 0.95}]
    parse = {**parse_of(text, ranking), "event_scores": {"new_business": 0.3, "birth": 0.0}}
    result = explain(text, parse, seed_snapshot)
    assert result["decision"]["life_events"] == []
    assert "No life event: nothing above decided one." in result["why"]
    assert (
        f"new_business: out, no cue and the model's P(new_business) 0.30 < {thresholds()['event']:.2f}."
        in (result["why"])
    )
    assert result["why"][-1].startswith("No handoff")
    assert result["rules"] == []


def test_an_event_the_model_decided_shows_its_score_and_threshold(seed_snapshot):
    text = "we are expecting our first in March"
    ranking = [{"name": "birth", "confidence": 0.6}, {"name": "other_service", "confidence": 0.4}]
    life_events = [{"id": "birth", "confidence": 0.83, "source": "model"}]
    parse = {**parse_of(text, ranking, life_events=life_events), "event_scores": {"birth": 0.83}}
    parse["event_ranking"] = [{"name": "birth", "confidence": 0.8}, {"name": "birth+new_business", "confidence": 0.03}]
    result = explain(text, parse, seed_snapshot)
    assert result["model"]["event_support"]["birth"] == 0.83
    assert result["model"]["event_ranking"][0] == {"name": "birth", "confidence": 0.8}
    assert f"birth: in, the model's P(birth) 0.83 >= {thresholds()['event']:.2f} and no veto." in result["why"]
    assert "life events P(e): " in render(result)


def test_english_cues_are_not_applied_to_french_text(seed_snapshot):
    text = "notre chien est mort, on a fait un funeral dans la cour"
    parse = {**parse_of(text, [{"name": "out_of_scope", "confidence": 0.9}]), "event_scores": {"bereavement": 0.1}}
    result = explain(text, parse, seed_snapshot)
    assert not [r for r in result["rules"] if r["layer"] == "life_event_cue"]


def test_a_vetoed_cue_says_what_vetoed_it(seed_snapshot):
    text = "my cat passed away yesterday"
    ranking = [{"name": "bereavement", "confidence": 0.7}, {"name": "other_service", "confidence": 0.2}]
    result = explain(text, parse_of(text, ranking), seed_snapshot)
    assert result["decision"]["life_events"] == []
    assert any(line.startswith("bereavement: out, vetoed by") for line in result["why"])
