"""After a full chat, handoff and export, no raw identifier is found anywhere:
not in the database file (ours and Rasa's tracker events), not in any log,
not in the console's pages, the reports or the exports."""

import pytest
from e2e_support import Agent, Citizen, button

pytestmark = pytest.mark.rasa

SAID = {
    "sin": ("046 454 286", "046454286"),
    "health card": ("4532-281-746-AB", "4532281746"),
    "phone": ("(416) 555-0199", "4165550199"),
    "email": ("maria.lopez@example.com",),
}


def raw_hits(text: str) -> list:
    flat = text.replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
    return [kind for kind, forms in SAID.items() for form in forms if form in text or form.replace(" ", "") in flat]


def test_no_raw_identifier_survives_anywhere(stack):
    citizen = Citizen(stack["web"])
    reply = citizen.say(
        "my mother died yesterday in Toronto. my SIN is 046 454 286, her health card was "
        "4532-281-746-AB, reach me at (416) 555-0199 or maria.lopez@example.com"
    )
    assert any("didn't keep it" in m["text"] for m in reply["messages"])
    handed = citizen.say(payload="/request_human")
    handed = citizen.say(payload=button(handed, "/affirm")["payload"])
    assert handed["owner"] == "queue"

    agent = Agent(stack["web"], "agent2")
    case_id = next(case["id"] for case in agent.waiting() if case["queue"] == "bereavement")
    assert agent.claim(case_id).status_code == 200
    agent.form(f"/console/cases/{case_id}/reply", text="Thanks. I will call you at (416) 555-0199.")
    pages = [
        agent.http.get(f"/console/cases/{case_id}").text,
        agent.http.get(f"/api/console/cases/{case_id}/messages").text,
        agent.http.get("/console/reports.csv").text,
        agent.http.get("/api/catalogue/export").text,
        citizen.http.get(f"/api/conversations/{citizen.id}/messages").text,
    ]
    for page in pages:
        assert raw_hits(page) == [], page[:500]

    database = (stack["data_dir"] / "onewindow.db").read_bytes().decode("latin-1")
    assert raw_hits(database) == []
    for log in (stack["data_dir"] / "logs").glob("*.log"):
        assert raw_hits(log.read_text(errors="replace")) == [], log.name
