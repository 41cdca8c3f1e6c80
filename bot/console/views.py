"""The agents' console: server-rendered pages (queues, a case, phone triage,
reports) and a few JSON endpoints (claim, transcript polling, queues).

Every route needs a signed-in agent or admin; every form post carries the
session's CSRF token. Pages follow post/redirect/get: an action that worked
redirects with a notice code; one that did not re-renders the page with the
error next to the form, keeping what the agent typed. A write commits before
its redirect is sent (get_db_session's own commit runs only after the response
has gone, and the browser's next request could otherwise read the old state).

The pages live in modules named for what they show (what they share is in
view_helpers); this one joins their routers, in a fixed order, as the `router`
bot.web.app includes."""

from __future__ import annotations

from fastapi import APIRouter

from bot.console import case_actions, case_views, phone_views, queue_views, report_views

router = APIRouter(tags=["console"])
for _pages in (queue_views, case_views, case_actions, phone_views, report_views):
    router.include_router(_pages.router)
