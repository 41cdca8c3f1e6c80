"""Jinja2 templates for every server-rendered page. Autoescaping is on: text
from the catalogue, cases or users is always shown as text, never markup.
`t(key)` (bot/web/i18n.py) gives each page its text in the page's `lang`."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from bot.web import i18n

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.autoescape = True
i18n.install(templates.env)
