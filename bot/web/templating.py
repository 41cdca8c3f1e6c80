"""Jinja2 templates for every server-rendered page. Autoescaping is on: text
from the catalogue, cases or users is always shown as text, never markup."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.autoescape = True
