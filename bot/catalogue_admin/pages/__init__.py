"""Server-rendered pages for service owners: the list of their services, the
edit form (English and French side by side, errors beside each field, conflicts
shown field by field), drafts and review, history with diff and roll back, and
the upkeep reports. Every page speaks the staff member's language (the switch,
else Accept-Language: bot/web/i18n.staff_language); texts are in admin.*.yml.

One module per page or pair of pages; `router` gathers their routes, in the order they were always
registered, for bot/web/app.py."""

from __future__ import annotations

from bot.catalogue_admin.pages import draft, edit, history, import_export, language, listing, reports
from bot.catalogue_admin.pages.shared import page_router

router = page_router()
router.include_router(language.router)
router.include_router(listing.router)
router.include_router(edit.router)
router.include_router(history.router)
router.include_router(draft.router)
router.include_router(reports.router)
router.include_router(import_export.router)
