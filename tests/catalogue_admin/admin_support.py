"""Helpers shared by the catalogue administration tests (a plain module, so
test files import it by name). Signing in, seeding and passwords are in
tests/support.py."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any, Dict, List, Optional, Tuple

from fastapi.testclient import TestClient

PEOPLE = [
    ("olu", "Olu Owner", "owner", ["canada-revenue-agency"]),
    ("oma", "Oma Owner", "owner", ["canada-revenue-agency"]),
    ("sam", "Sam Owner", "owner", ["service-canada"]),
    ("ana", "Ana Agent", "agent", []),
    ("root", "Root Admin", "admin", []),
]
CRA_SERVICE = "ca-business-number"  # kept by canada-revenue-agency; new_business
SC_SERVICE = "ca-ei-self-employed"  # kept by service-canada; new_business
BUNDLE = {"events": "new_business", "business_structure": "corporation", "has_employees": "true"}


class Api:
    """One person calling the JSON API with their API token."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url: str, **kwargs: Any):
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, json: Optional[Dict[str, Any]] = None, **kwargs: Any):
        return self.client.post(url, json=json if json is not None else {}, headers=self.headers, **kwargs)

    def put(self, url: str, json: Dict[str, Any], **kwargs: Any):
        return self.client.put(url, json=json, headers=self.headers, **kwargs)

    def delete(self, url: str):
        return self.client.delete(url, headers=self.headers)

    def service(self, service_id: str) -> Dict[str, Any]:
        response = self.get(f"/api/admin/services/{service_id}")
        assert response.status_code == 200, response.text
        return response.json()


def bundle_service(client: TestClient, service_id: str, params: Optional[Dict[str, str]] = None) -> Optional[dict]:
    response = client.get("/api/bundles", params=params or BUNDLE)
    assert response.status_code == 200, response.text
    return next((s for s in response.json()["services"] if s["id"] == service_id), None)


def with_changes(data: Dict[str, Any], **changes: Any) -> Dict[str, Any]:
    return {**data, **changes}


class _FormReader(HTMLParser):
    """What a browser would submit for one form of a page (without pressing a named button)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: List[Tuple[str, str]] = []
        self._textarea: Optional[str] = None
        self._select: Optional[str] = None
        self._options: List[Tuple[str, bool]] = []
        self._text: List[str] = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value") or "on"))
            else:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self.fields.append((self._select, chosen[0] if chosen else ""))
            self._select = None


def form_fields(page: str, action: str) -> List[Tuple[str, str]]:
    reader = _FormReader(action)
    reader.feed(page)
    return reader.fields


def set_field(fields: List[Tuple[str, str]], name: str, value: str) -> List[Tuple[str, str]]:
    """Replace a field's value (or add it), like typing into it."""
    out = [(k, v) for k, v in fields if k != name]
    return out + [(name, value)]


def without(fields: List[Tuple[str, str]], name: str) -> List[Tuple[str, str]]:
    return [(k, v) for k, v in fields if k != name]
