"""Issue 15, abuse 7 and newcomer item on /docs: every answer carries the
security headers, the pages load nothing the policy forbids, no page can be
framed, and the API docs never load scripts from a CDN."""

from __future__ import annotations

import re

import pytest

REQUIRED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def directives(policy: str) -> dict:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def assert_secure(response) -> dict:
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    return policy


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/", None),
        ("GET", "/chat?lang=fr", None),
        ("GET", "/signin", None),
        ("GET", "/console", None),  # a redirect to sign in
        ("GET", "/healthz", None),
        ("GET", "/static/chat/onewindow-chat.js", None),
        ("GET", "/api/conversations/nope/messages", None),  # 404
        ("POST", "/api/conversations", {"lang": "xx"}),  # 422
        ("POST", "/api/conversations", {"lang": "en"}),
        ("GET", "/openapi.json", None),
        ("GET", "/api/catalogue/export?format=json", None),
    ],
)
def test_every_answer_carries_the_security_headers(http, method, path, body):
    response = http.request(method, path, json=body, follow_redirects=False)
    assert response.status_code < 500
    assert_secure(response)


def test_refusals_from_middleware_carry_them_too(http):
    response = http.post("/api/conversations", content=b"x" * 400_000, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert_secure(response)


def test_the_chat_socket_is_allowed_by_the_policy(http):
    policy = assert_secure(http.get("/chat"))
    assert "'self'" in policy["connect-src"] and "ws://testserver" in policy["connect-src"]


@pytest.mark.parametrize("path", ["/", "/chat?lang=fr", "/signin"])
def test_pages_need_nothing_the_policy_forbids(http, path):
    """No inline script, inline <style>, event-handler attribute or javascript:
    URL, and every script, stylesheet and image comes from this site."""
    page = http.get(path).text
    for tag in re.findall(r"<script\b[^>]*>", page, flags=re.I):
        assert re.search(r"\bsrc=\"/", tag), tag
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", page, flags=re.I)
    assert "<style" not in page.lower()
    assert not re.search(r"\son[a-z]+\s*=", page, flags=re.I)
    assert "javascript:" not in page.lower()
    for url in re.findall(r"(?:src|href)=\"([^\"]+)\"", page):
        assert url.startswith(("/", "#", "data:")) or not url.startswith(("http", "//")), url


def test_api_docs_load_no_cdn_script(http):
    assert http.get("/docs").status_code == 404
    assert http.get("/redoc").status_code == 404
    assert "/api/conversations" in http.get("/openapi.json").json()["paths"]


def test_api_docs_are_served_from_local_assets_when_given(make_app, tmp_path):
    from fastapi.testclient import TestClient

    assets = tmp_path / "swagger-ui-dist"
    assets.mkdir()
    (assets / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle = function () {};", encoding="utf-8")
    (assets / "swagger-ui.css").write_text("body {}", encoding="utf-8")
    with TestClient(make_app(api_docs_assets=assets)) as http:
        page = http.get("/docs")
        assert page.status_code == 200
        assert "cdn" not in page.text.lower() and "/docs/assets/swagger-ui-bundle.js" in page.text
        policy = directives(page.headers["content-security-policy"])
        assert any(source.startswith("'sha256-") for source in policy["script-src"])
        assert "'unsafe-inline'" not in policy["script-src"] and policy["frame-ancestors"] == ["'none'"]
        assert http.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
