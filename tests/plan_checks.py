"""Checks shared by the plan tests (unit, web and browser): the plan's order
against the catalogue's own deadlines and dependencies, and a strict RFC 5545
reader for the calendar file."""

from __future__ import annotations

import datetime as dt
import re

from onewindow_catalogue.plan import PHASES


def check_plan_against_catalogue(snapshot, bundle, today):
    """Every rule the plan promises, read from the catalogue, not from the plan."""
    steps = bundle["plan"]["steps"]
    order = [step["id"] for step in steps]
    assert order == [service["id"] for service in bundle["services"]], "the API lists services in plan order"
    position = {sid: index for index, sid in enumerate(order)}
    phase = {step["id"]: PHASES.index(step["phase"]) for step in steps}
    top = [step for step in steps if not step["covered_by"]]
    root = {step["id"]: step["covered_by"] or step["id"] for step in steps}
    for earlier, later in zip(top, top[1:], strict=False):
        assert phase[earlier["id"]] <= phase[later["id"]], f"{earlier['id']} is in a later phase than {later['id']}"
    for step in steps:
        service = snapshot.services[step["id"]].service
        if step["covered_by"]:
            coverer = step["covered_by"]
            assert position[coverer] < position[step["id"]]
            between = order[position[coverer] + 1 : position[step["id"]]]
            assert all(root[sid] == coverer for sid in between), "a covered step stays under its application"
        for required in service.requires:
            if required in position and root[required] != root[step["id"]]:
                assert position[root[required]] < position[root[step["id"]]], f"{required} must precede {step['id']}"
                assert step["id"] not in [s["id"] for s in top] or phase[root[required]] <= phase[root[step["id"]]]
        deadline = service.deadline
        if step["covered_by"] or deadline is None:
            continue
        if any(rule.first for rule in deadline.due):
            assert step["phase"] == "now"
        if step["due"]:
            days = (dt.date.fromisoformat(step["due"]) - today).days
            if days <= 2:
                assert step["phase"] == "now"
            elif days <= 7:
                assert step["phase"] in ("now", "this_week")
    # Among top-level steps of one phase without prerequisites between them, the earlier due date comes first.
    for a in top:
        for b in top:
            same_phase = a["phase"] == b["phase"] and not a["after"] and not b["after"]
            if same_phase and a["due"] and b["due"] and a["due"] < b["due"]:
                assert position[a["id"]] < position[b["id"]], f"{a['id']} is due before {b['id']}"


def unfold(body: str):
    """RFC 5545 3.1: CRLF line ends only, lines of at most 75 octets, folded lines joined."""
    assert body.endswith("\r\n")
    assert "\n" not in body.replace("\r\n", "") and "\r" not in body.replace("\r\n", "")
    raw = body.split("\r\n")[:-1]
    for line in raw:
        assert len(line.encode("utf-8")) <= 75, line
    lines = []
    for line in raw:
        if line.startswith((" ", "\t")):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_calendar(body: str):
    """A small strict parser: components nest, every property is NAME[;params]:value."""
    stack, events, props = [], [], {}
    for line in unfold(body):
        name_params, _, value = line.partition(":")
        assert _ == ":", line
        name = name_params.split(";")[0]
        assert re.fullmatch(r"[A-Z][A-Z0-9-]*", name), line
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                props = {}
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                events.append(props)
        elif stack and stack[-1] == "VEVENT":
            assert name not in props, f"{name} twice in one event"
            props[name] = (name_params, value)
    assert stack == []
    return events
