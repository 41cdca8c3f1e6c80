"""bot.handoff.rules: when a person takes over, why, and which queue."""

from __future__ import annotations

import pytest

from bot.handoff.rules import asks_for_person, complex_case_reason, decide, queue_for


@pytest.mark.parametrize(
    "text, kind",
    [
        ("our baby was stillborn last week", "stillbirth_or_child_death"),
        ("we lost the baby at 30 weeks", "stillbirth_or_child_death"),
        ("my sister is contesting the will", "estate_dispute"),
        ("my brothers and I are fighting over mom's house", "estate_dispute"),
        ("the father won't sign the birth registration", "birth_registration_dispute"),
        ("we can't agree on the baby's last name", "birth_registration_dispute"),
        ("I lost all my ID in a fire", "no_identity_documents"),
        ("our son was born in Florida while we were on vacation", "birth_outside_ontario"),
        ("my dad died while travelling in India", "death_outside_ontario"),
        ("my work permit expired last month", "immigration_status_problem"),
        ("I'm out of status", "immigration_status_problem"),
        ("my application for the survivor's pension was denied", "refused_application"),
        ("Service Canada refused my claim", "refused_application"),
    ],
)
def test_complex_cases(text, kind):
    assert complex_case_reason(text) == f"complex_case:{kind}"


@pytest.mark.parametrize(
    "text",
    [
        "my mother died last week and I'm the executor",
        "we had a baby girl on Monday",
        "opening a bakery in Hamilton",
        "we moved from Alberta and need health cards",
        "my sister died giving birth, the baby is okay and I'm looking after him",
    ],
)
def test_ordinary_situations_are_not_complex(text):
    assert complex_case_reason(text) is None


def test_complex_case_from_entities():
    assert complex_case_reason("", [{"entity": "relationship_to_deceased", "value": "parent"}]) == (
        "complex_case:stillbirth_or_child_death"
    )
    assert complex_case_reason("", {"death_in_ontario": "false"}) == "complex_case:death_outside_ontario"


def test_decide_urgent_goes_to_priority_queue():
    handoff = decide("bereavement", "my husband died and I want to die", [], ["bereavement"])
    assert handoff.needed and handoff.urgent
    assert (handoff.reason, handoff.queue) == ("urgent", "priority")
    assert decide("crisis", "help", [], []).queue == "priority"


def test_decide_asked_for_person_uses_the_event_queue():
    handoff = decide("request_human", "can I talk to someone", [], ["bereavement", "new_business"])
    assert (handoff.needed, handoff.reason, handoff.queue, handoff.urgent) == (
        True,
        "asked_for_person",
        "bereavement",
        False,
    )
    assert decide("request_human", "agent please", [], []).queue == "general"


def test_decide_complex_case_and_not_understood():
    handoff = decide("bereavement", "my brother is contesting dad's will", [], ["bereavement"])
    assert handoff.reason == "complex_case:estate_dispute" and handoff.queue == "bereavement"
    assert decide("nlu_fallback", "asdf", [], [], failed_understanding_count=2).reason == "not_understood"
    assert decide("nlu_fallback", "asdf", [], [], failed_understanding_count=1).needed is False


def test_decide_nothing_needed():
    handoff = decide("birth", "we had a baby", [], ["birth"])
    assert handoff.needed is False and handoff.reason is None and handoff.queue is None
    assert handoff.as_dict() == {"needed": False, "reason": None, "queue": None, "urgent": False}


def test_queues_can_come_from_the_caller():
    assert queue_for(["birth"], queues={"birth": "maternity"}) == "maternity"
    assert queue_for(["new_to_ontario"]) == "newcomers"


@pytest.mark.parametrize(
    "text",
    [
        "my husband died, I need a person",
        "I want to speak with a real person about my bakery",
        "can someone call me back",
        "please have somebody phone me",
    ],
)
def test_asking_for_a_person_inside_a_message(text):
    handoff = decide("bereavement", text, [], ["bereavement"])
    assert (handoff.needed, handoff.reason) == (True, "asked_for_person")


def test_a_person_mentioned_is_not_a_request():
    assert decide("bereavement", "the person who died was my uncle", [], ["bereavement"]).needed is False
    assert complex_case_reason("my friend passed and his family is overseas") is None
    assert complex_case_reason("my PR card is expiring soon") is None


@pytest.mark.parametrize(
    "text, reason",
    [
        ("We cant agree on our sons last name and he says no", "complex_case:birth_registration_dispute"),
        ("The mother won't let me be listed on the birth registration", "complex_case:birth_registration_dispute"),
        ("His will leaves everything to his girlfriend and I intend to contest it.", "complex_case:estate_dispute"),
        ("we will be in court over the estate", "complex_case:estate_dispute"),
        ("my PR card renewal got refused and my status runs out in 2 weeks", "complex_case:immigration_status_problem"),
        ("twins born at 30 weeks, one made it, one died after 2 days", "complex_case:stillbirth_or_child_death"),
        ("Our son died last month, he was six.", "complex_case:stillbirth_or_child_death"),
        ("Our baby arrived in Montreal while we were visiting family", "complex_case:birth_outside_ontario"),
        ("my husband registered our son's name without asking me", "complex_case:birth_registration_dispute"),
        ("Two wills turned up and my cousins are threatening to go to court", "complex_case:estate_dispute"),
        ("My application for Starter Company Plus was rejected", "complex_case:refused_application"),
    ],
)
def test_complex_cases_in_other_words(text, reason):
    assert complex_case_reason(text, []) == reason


@pytest.mark.parametrize(
    "text",
    [
        "I will dispute the parking ticket",  # "will" the verb, not a will
        "my will is simple, I want to make sure the estate is handled",
        "what name should I put on the application, I never agreed to the fee",
        "my wife gave birth yesterday at Victoria Hospital in London",  # a hospital, not Victoria BC
        "we were arguing over the baby's surname for a month but we have agreed now, how do we register",
    ],
)
def test_look_alikes_of_complex_cases(text):
    assert complex_case_reason(text, []) is None


def test_asking_whether_there_is_a_person():
    assert asks_for_person("Is there a person I can chat with? I am new in Canada")
    assert not asks_for_person("is there a person who handles passports at ServiceOntario")


@pytest.mark.parametrize(
    "text",
    [
        "my son passed away suddenly, he was 24",
        "my adult son died of an overdose",
        "My daughter died giving birth at Hamilton General. The baby survived",
    ],
)
def test_a_grown_child_is_not_a_child_death(text):
    assert complex_case_reason(text, [{"entity": "relationship_to_deceased", "value": "parent"}]) is None


@pytest.mark.parametrize(
    "text",
    [
        "Agent please. My mother died",
        "agent",
        "He's the executor and won't show us anything. Who can I talk to?",
        "I need someone to look at this.",
        "Could you connect me with someone from the bereavement team?",
        "Je préfère parler à quelqu'un en français",
    ],
)
def test_more_ways_of_asking_for_a_person(text):
    assert asks_for_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "who can I talk to about a parking ticket",
        "my real estate agent please help",
        "the agent said no",
        "agent: caller arrived from Ukraine last month",  # a contact-centre agent's note
    ],
)
def test_mentions_of_agents_are_not_requests(text):
    assert not asks_for_person(text)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("the co-executor refuses to sign anything and we're stuck", "complex_case:estate_dispute"),
        ("our daughter was 9, the accident was last month", "complex_case:stillbirth_or_child_death"),
        ("we are adopting a boy from Colombia next spring", "complex_case:birth_outside_ontario"),
        ("my PR card was stolen with my wallet", "complex_case:immigration_status_problem"),
        ("grandpa died in Manila while visiting family", "complex_case:death_outside_ontario"),
        ("my uncle passed away back in Kerala last week", "complex_case:death_outside_ontario"),
        ("the WSIB turned down my claim for my new crew", "complex_case:refused_application"),
        ("mom's gone and my sister claims she's the sole heir now", "complex_case:estate_dispute"),
    ],
)
def test_complex_cases_said_in_other_words(text, reason):
    assert complex_case_reason(text) == reason


@pytest.mark.parametrize(
    "text", ["my son was 5 when my mother died", "PR card expiring soon, been here since 2017", "my dad died in Milton"]
)
def test_their_look_alikes_are_not_complex(text):
    assert complex_case_reason(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "is there anybody we could actually speak with",
        "caller wants a supervisor? no: speak to a manager please",
        "going in circles here. AGENT. please",
        "this is my fourth call, I need your manager",
        "client would like a callback tomorrow morning",
        "is a Punjabi-speaking worker available for my mother",
    ],
)
def test_asking_for_a_person_in_other_words(text):
    assert asks_for_person(text)


def test_a_case_holds_only_for_its_event():
    """ "Born in Scotland" said of a man who died here is no baby born outside Ontario."""
    facts = {"born_in_ontario": "false"}
    assert complex_case_reason("", facts, events=["bereavement"]) is None
    assert complex_case_reason("", facts, events=["birth"]) == "complex_case:birth_outside_ontario"
    assert complex_case_reason("", facts) == "complex_case:birth_outside_ontario"  # events unknown
    handoff = decide("bereavement", "Grandpa died in Sarnia; he was born in Wales", facts, ["bereavement"])
    assert not handoff.needed


@pytest.mark.parametrize(
    "text, reason",
    [
        ("our gestational carrier lives in Calgary and the baby is due in May", "birth_outside_ontario"),
        ("one of the twins did not survive, the other is in the NICU", "stillbirth_or_child_death"),
        ("my grant application was not approved and I don't know why", "refused_application"),
        ("the township turned us down for the patio permit", "refused_application"),
    ],
)
def test_complex_cases_after_the_ninth_look(text, reason):
    assert complex_case_reason(text) == f"complex_case:{reason}"


def test_both_parents_agreeing_is_no_registration_dispute():
    assert complex_case_reason("we both want the baby's middle name changed, his dad agrees") is None


@pytest.mark.parametrize(
    "text, asks",
    [
        ("MANAGER. now.", True),
        ("I'd like someone to phone me about my WSIB account", True),
        ("r u a bot or a human", False),
        ("my caseworker (a real person, very kind) sent me here about health cards", False),
    ],
)
def test_asking_for_a_person_or_about_one(text, asks):
    assert asks_for_person(text) is asks


def test_a_classifier_request_that_asks_whether_a_person_is_needed_is_none():
    text = "Do we have to go and see somebody at an office to register our son, or is there a way online?"
    assert not decide("request_human", text, [], ["birth"]).needed
    assert decide("request_human", "can I talk to somebody about registering our son", [], ["birth"]).needed


@pytest.mark.parametrize(
    "text, reason",
    [
        ("my purse was taken on the bus with every single ID card I had", "complex_case:no_identity_documents"),
        ("our papers were all stolen at the shelter", "complex_case:no_identity_documents"),
        ("she moved here from Nova Scotia after her dad passed there", "complex_case:death_outside_ontario"),
        ("I need a new copy of my birth certificate, I lost it moving", None),
        ("my passport was stolen on holiday, how do I replace it", None),
    ],
)
def test_no_identity_documents_means_none_left(text, reason):
    assert complex_case_reason(text) == reason


def test_get_me_someone_asks_for_a_person():
    assert asks_for_person("this form keeps failing, get me somebody who knows what they're doing")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("the bank will not release her savings until we get probate, is there a faster way", None),
        ("seasonal worker, the farm kept my passport and I have no other ID", "complex_case:no_identity_documents"),
    ],
)
def test_cases_after_the_eleventh_look(text, reason):
    assert complex_case_reason(text) == reason


def test_a_premature_baby_doing_well_is_no_child_death_nor_a_move_an_adoption_abroad():
    from bot.handoff.rules import learned_reason

    premature = "our daughter came at 30 weeks, she's in the NICU but stable and gaining weight"
    assert learned_reason({"reason": "stillbirth_or_child_death"}, premature) is None
    assert complex_case_reason("twin B is stable, twin A didn't make it") == "complex_case:stillbirth_or_child_death"
    assert complex_case_reason("adopting a toddler through the CAS and moving from Quebec to Cornwall") is None


@pytest.mark.parametrize(
    "text, events, reason",
    [
        (
            "refugee claimant in Windsor, my IRB hearing got adjourned again and my work permit expires Friday",
            ["new_to_ontario"],
            "complex_case:immigration_status_problem",
        ),
        (
            "we flew in from Manila on Sunday with our son, he was born there in August",
            ["new_to_ontario", "birth"],
            "complex_case:birth_outside_ontario",
        ),
        (
            "since mom passed my brothers keep arguing about who keeps her bakery in Barrie",
            ["bereavement", "new_business"],
            "complex_case:estate_dispute",
        ),
        ("my twins argue about who gets the top bunk every night", [], None),
    ],
)
def test_cases_after_the_thirteenth_look(text, events, reason):
    assert complex_case_reason(text, {}, events) == reason


@pytest.mark.parametrize(
    "text, reason",
    [
        ("the officer at the airport cut my visitor record short", "complex_case:immigration_status_problem"),
        ("our triplets came early and one of the girls died at 4 days old", "complex_case:stillbirth_or_child_death"),
        ("ServiceOntario turned down my daughter's birth certificate application", "complex_case:refused_application"),
        ("my study permit was revoked and now my status is in limbo", "complex_case:immigration_status_problem"),
    ],
)
def test_cases_after_the_fourteenth_look(text, reason):
    assert complex_case_reason(text) == reason


@pytest.mark.parametrize(
    "text",
    ["could I get a callback this afternoon about my EI", "She'd like a callback before noon"],
)
def test_asking_for_a_callback_asks_for_a_person(text):
    assert asks_for_person(text)


@pytest.mark.parametrize(
    "text, events, reason",
    [
        ("our corporate name was rejected by the registry as too similar", ["new_business"], "refused_application"),
        ("my mother back in Manila passed away on Sunday", ["bereavement"], "death_outside_ontario"),
        ("the will my brother showed the bank is forged", ["bereavement"], "estate_dispute"),
        ("since the funeral we keep arguing about dad's cottage", ["bereavement"], "estate_dispute"),
        ("the officer said my visa is the wrong type and I may have to leave Canada", [], "immigration_status_problem"),
    ],
)
def test_cases_after_the_fifteenth_look(text, events, reason):
    assert complex_case_reason(text, {}, events) == f"complex_case:{reason}"


def test_demanding_a_manager_asks_for_a_person():
    assert asks_for_person("Caller demands a manager right now")
