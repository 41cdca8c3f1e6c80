"""Crisis detection: every crisis (typos included) is caught; look-alikes are not."""

from __future__ import annotations

import pytest

from bot.safety import detect
from bot.safety.referral import crisis_message

CRISES = [
    ("i want to kill myself", "suicide"),
    # rules whose alternatives were one token too short ("my|own ~life", "can not|could not")
    ("I want to take my own life", "suicide"),
    ("he couldn't breathe and his lips went blue", "medical"),
    ("I can't breathe", "medical"),
    ("he has passed out from the gas", "danger"),
    ("I don't want to live anymore", "suicide"),
    ("thinking about ending it all", "suicide"),
    ("my husband died and I don't want to live anymore", "suicide"),
    ("since the baby was born i keep thinking about hurting myself", "suicide"),
    ("i want to die", "suicide"),
    ("thinking of suicide", "suicide"),
    ("suicidal", "suicide"),
    ("i wanna kil myself", "suicide"),
    ("im sucidal", "suicide"),
    ("dont wanna live no more", "suicide"),
    ("i wnat to die", "suicide"),
    ("kms", "suicide"),
    ("ive been thinking about suicide a lot lately", "suicide"),
    ("I KEEP THINKING ABOUT ENDING MY LIFE", "suicide"),
    ("my boyfriend hit me and im scared to go home", "violence"),
    ("he's threatening me right now", "violence"),
    ("my bf beats me", "violence"),
    ("my husband says he will kill me", "violence"),
    ("I feel unsafe at home", "violence"),
    ("my dad collapsed and isn't breathing", "medical"),
    ("the baby is not breathing", "medical"),
    ("i cut myself and it won't stop bleeding", "suicide"),
    ("i took a bunch of pills", "medical"),
    ("my wife is having a seizure", "medical"),
    ("chest pain and i cant breath", "medical"),
    ("i think my dad is having a heart attack", "medical"),
    ("my baby turned blue", "medical"),
    ("I have nowhere to sleep tonight", "shelter"),
    ("we just arrived and have nowhere to stay tonight, my kids are with me", "shelter"),
    ("im homeless", "shelter"),
    ("we are sleeping in our car", "shelter"),
    ("the landlord changed the locks and we have no bed tonight", "shelter"),
    ("someone is trying to break into my house", "danger"),
    ("the house is on fire", "danger"),
    ("i smell gas", "danger"),
    ("he has a gun", "danger"),
    ("my brother is passed out on the floor", "medical"),
    ("my mom just died in front of me and my brother is passed out too, I think it's the gas", "medical"),
    ("my landlord changed the locks and all my stuff is inside", "shelter"),
    ("strong gas smell in the kitchen of the restaurant I opened last week, all the burners are off", "danger"),
    ("Caller says she took a bottle of pills about twenty minutes ago, right after her son's funeral.", "medical"),
    ("the shop they opened last month, he is threatening him with a knife right now", "danger"),
    ("theres smoke coming into my apartment from the hallway", "danger"),
    ("CO alarm going off and two of my staff are dizzy", "danger"),
    ("landlord throw us out today, me and kids on street tonight", "shelter"),
    ("caller states her father died yesterday and that she intends to end her own life tonight", "suicide"),
    ("There's a man lying on the sidewalk, he's not moving", "medical"),
]

LOOK_ALIKES = [
    "my dad died of a heart attack last year",
    "I attempted to take my own life ten years ago and I'm doing well now",
    "he passed the gas station on his way to the registry office",
    "killing it with my new business",
    "dying to open a bakery",
    "this paperwork is killing me",
    "my brother died by suicide last month and I'm the executor",
    "my son took his own life in March and I need to close his accounts",
    "we called 911 but it was too late",
    "my phone died",
    "I'm dead tired",
    "the baby isn't sleeping",
    "I could kill for a coffee",
    "I got fired",
    "my business is dying",
    "my mom passed away after a stroke",
    "my dad collapsed last year and died",
    "how do I get a fire inspection for my restaurant",
    "we moved here from Syria as refugees",
    "I don't want to live in Toronto anymore, moving to Ottawa",
    "the CRA is threatening me with penalties",
    "do I need a carbon monoxide detector in my rental",
    "what a stroke of luck",
    "I'm going to die of embarrassment",
    "I want to start a food truck",
    "my husband passed away in hospital last week",
    "I passed out at work last year, can I still drive?",
    "it's the gas bill I need help with",
    "we're fighting over Mom's will and my brother changed the locks on her house",
    "Last winter we had a gas leak at our house. The insurer wants a fire department report",
    "I put my stuff out on the curb today for garbage",
    "my dad died of a heart attack last year, what do I do now?",
]


@pytest.mark.parametrize("text, kind", CRISES)
def test_crises_are_detected(text, kind):
    signal = detect(text)
    assert signal is not None, text
    assert signal.kind == kind, (text, signal)


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_crises(text):
    assert detect(text) is None, (text, detect(text))


def test_payloads_and_empty_text_are_not_crises():
    assert detect("") is None
    assert detect('/inform{"answer": "true"}') is None


def test_referral_message_names_the_lines():
    for kind in ("suicide", "violence", "medical", "shelter", "danger", None):
        message = crisis_message(kind)
        assert "911" in message
        assert "9-8-8" in message
        assert "1-866-863-0511" in message
        assert "211" in message


def test_safety_override_forces_crisis_and_keeps_the_ranking():
    from rasa.shared.nlu.training_data.message import Message

    from bot.components.safety_override import SafetyOverride

    component = SafetyOverride(SafetyOverride.get_default_config())
    message = Message.build(text="my husband died and i dont want to live anymore")
    message.set("intent", {"name": "bereavement", "confidence": 0.9})
    message.set("intent_ranking", [{"name": "bereavement", "confidence": 0.9}, {"name": "crisis", "confidence": 0.05}])
    component.process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking] == ["crisis", "bereavement"]
    calm = Message.build(text="my husband died last week")
    calm.set("intent", {"name": "bereavement", "confidence": 0.9})
    component.process([calm])
    assert calm.get("intent")["name"] == "bereavement"


def test_safety_override_demotes_an_unconfirmed_classifier_crisis():
    from rasa.shared.nlu.training_data.message import Message

    from bot.components.safety_override import SafetyOverride

    component = SafetyOverride(SafetyOverride.get_default_config())
    message = Message.build(text="quitting my 9 to 5 to do carpentry full time for myself")
    message.set("intent", {"name": "crisis", "confidence": 0.8})
    message.set(
        "intent_ranking",
        [
            {"name": "crisis", "confidence": 0.8},
            {"name": "new_business", "confidence": 0.15},
            {"name": "other_service", "confidence": 0.05},
        ],
    )
    component.process([message])
    assert message.get("intent")["name"] == "new_business"
    assert round(message.get("intent")["confidence"], 2) == 0.75
    assert [r["name"] for r in message.get("intent_ranking")] == ["new_business", "other_service"]
    # a risk word keeps the classifier's crisis for the agents to judge
    scared = Message.build(text="I'm scared of what might happen")
    scared.set("intent", {"name": "crisis", "confidence": 0.8})
    scared.set("intent_ranking", [{"name": "crisis", "confidence": 0.8}, {"name": "bereavement", "confidence": 0.2}])
    component.process([scared])
    assert scared.get("intent")["name"] == "crisis"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("my brother says he's going to shoot himself", "suicide"),
        ("my left arm went numb and there's a crushing feeling in my chest", "medical"),
        ("my husband passed out and I can't feel a pulse", "medical"),
        ("I moved here to get away from my ex and he found me", "violence"),
    ],
)
def test_more_crises(text, kind):
    signal = detect(text)
    assert signal is not None and signal.kind == kind, (text, signal)


@pytest.mark.parametrize("text", ["he hurt himself skiing last year", "I'm drowning in paperwork since the funeral"])
def test_more_look_alikes(text):
    assert detect(text) is None


def test_a_past_death_does_not_silence_a_present_emergency():
    from bot.safety import detect

    assert detect("my dad died last week and now my mom took a bunch of pills and won't wake up").kind == "medical"
    assert detect("my husband passed away on sunday and now i need his death certificate") is None


@pytest.mark.parametrize(
    "text, kind",
    [
        ("swallowed a whole bottle of advil twenty minutes ago", "medical"),
        ("ive been cutting again", "suicide"),
        ("my husband smashed the door right beside my face", "violence"),
        ("he keeps throwing things at me", "violence"),
    ],
)
def test_overdose_self_harm_and_intimidation_said_plainly(text, kind):
    signal = detect(text)
    assert signal is not None and signal.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "we are cutting costs again this year",
        "i took my tylenol this morning",
        "our son was born not breathing, he is 3 now",
    ],
)
def test_look_alikes_of_those_are_not_crises(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text, kind",
    [
        ("been giving all my stuff away to friends, it won't matter soon", "suicide"),
        ("wrote goodbye letters to my family last night", "suicide"),
        # a present emergency at a funeral: "not yet called" makes it now, whatever the funeral says of the past
        ("my brother collapsed at grandpa's funeral, 911 not yet called", "medical"),
    ],
)
def test_warning_signs_and_an_emergency_at_a_funeral(text, kind):
    signal = detect(text)
    assert signal is not None and signal.kind == kind


def test_a_real_word_is_no_typo_of_a_crisis_word():
    assert detect("the estate return is overdue, what now") is None
    assert detect("she overdosed an hour ago") is not None


def test_a_figure_of_speech_does_not_confirm_a_crisis():
    from bot.safety import has_risk_word

    assert not has_risk_word("this paperwork is going to kill me")
    assert has_risk_word("my boyfriend is going to kill me")


@pytest.mark.parametrize(
    "text, kind",
    [
        ("the plumber cut the gas line in our basement and it is hissing", "danger"),
        ("my son's lips are turning blue and he is wheezing", "medical"),
        ("i tried to kill myself in 2021 and i want to do it again tonight", "suicide"),
    ],
)
def test_emergencies_after_the_ninth_look(text, kind):
    signal = detect(text)
    assert signal is not None and signal.kind == kind


def test_a_crisis_told_as_history_is_no_crisis_and_confirms_none():
    from bot.safety import has_risk_word

    for text in (
        "I attempted to end my life back in 2018 and I'm in a good place now",
        "my father used to hit me when he drank, I left home at 17",
    ):
        assert detect(text) is None, text
    assert not has_risk_word("my father used to hit me when he drank")
    assert has_risk_word("my father hit me again last night")


def test_a_past_crisis_told_as_recovery_is_no_crisis():
    for text in (
        "after my overdose in February I'm in recovery, how do I replace my health card",
        "last year I left my abusive boyfriend, I'm safe now and want to register a business",
    ):
        assert detect(text) is None, text
    assert detect("I overdosed an hour ago and feel really sick") is not None


def test_a_birth_happening_outside_a_hospital_is_an_emergency_and_safe_now_is_reassurance():
    from bot.safety import has_risk_word

    assert detect("my wife is in labour in the car on the 401 and the baby is coming now") is not None
    assert not has_risk_word("my ex threatened me years ago, I'm safe now and want to change my name")
    assert has_risk_word("I don't feel safe at home")


def test_a_newborn_turning_blue_is_an_emergency():
    assert detect("our newborn went blue and floppy in the car seat") is not None
    assert detect("the infant is limp and not feeding") is not None


def test_suicidal_feelings_told_as_over_are_no_crisis_unless_the_message_says_now():
    for text in (
        "two summers ago I was suicidal, then I got help; today I just need a new SIN card",
        "I used to feel suicidal in my twenties, now I want to open a bookshop",
    ):
        assert detect(text) is None, text
    for text in (
        "last month I felt suicidal and tonight it is back",
        "I was suicidal last night",
        "I was suicidal yesterday and I can't stop thinking about it",
    ):
        assert detect(text) is not None, text


def test_drowning_in_paperwork_and_a_past_attempt_are_no_crisis():
    assert detect("my mother died and I'm drowning in her bank paperwork") is None
    assert detect("two summers ago I had a suicide attempt; I'm well now and need my records") is None
    assert detect("my toddler is drowning in the neighbour's pool") is not None


def test_a_message_is_judged_once_and_its_verdict_cannot_be_changed_by_a_caller():
    from bot.safety.detector import default_detector

    detectors = default_detector()
    text = "my neighbour collapsed and is not breathing, we are at 12 Elm street"
    first = detectors.detect_all(text)
    first.clear()  # a caller's list is its own
    calls = []
    for detector in detectors.detectors:
        original = detector.detect_all
        detector.detect_all = lambda *args, _original=original: calls.append(args) or _original(*args)
    try:
        again = detectors.detect_all(text)
    finally:
        for detector in detectors.detectors:
            del detector.detect_all
    assert [s.kind for s in again] == ["medical"] and calls == []
    assert detectors.has_risk_word(text) is detectors.has_risk_word(text) is True
