"""What a person must look at: entries not checked against their source for
more than a year (review-due), and services without French text."""

import datetime as dt

from onewindow_catalogue.drafts.upkeep import overdue
from onewindow_catalogue.seed_format import Catalogue
from onewindow_catalogue.validation import review_warnings, translated_share


def test_review_due_lists_entries_checked_more_than_a_year_ago(seed_catalogue):
    service = seed_catalogue.services[0]
    checked = dt.date(2025, 12, 1)
    stale = service.copy(update={"id": "stale", "last_checked": checked})
    fresh = service.copy(update={"id": "fresh", "last_checked": checked + dt.timedelta(days=1)})
    never = service.copy(update={"id": "never", "last_checked": None})
    catalogue = Catalogue(services=[stale, fresh, never])
    found = [item.service.id for item in overdue(catalogue, 365, today=dt.date(2026, 12, 2))]
    assert found == ["never", "stale"]  # 366 days is overdue, 365 is not


def test_nothing_in_the_seed_is_overdue_today(seed_catalogue):
    assert overdue(seed_catalogue, 365, today=dt.date(2026, 12, 7)) == []


def test_at_least_95_percent_of_services_have_french_names_and_summaries(seed_catalogue):
    done, total = translated_share(seed_catalogue, "fr")
    assert total >= 100 and done / total >= 0.95


def test_a_service_without_french_is_listed_for_review(seed_catalogue):
    service = seed_catalogue.services[0]
    english_only = service.copy(update={"name": {"en": service.name["en"]}})
    warnings = review_warnings(Catalogue(services=[english_only, seed_catalogue.services[1]]))
    assert [(w.entry, w.field) for w in warnings if w.field != "source"] == [(service.id, "name.fr")]
    assert translated_share(Catalogue(services=[english_only]), "fr") == (0, 1)


def test_an_entry_resting_only_on_secondary_sources_is_listed(seed_catalogue):
    service = seed_catalogue.services[0]
    official = service.copy(update={"source": "canada.ca 'Page' (https://www.canada.ca/x); secondary: blog (a; b)"})
    secondary = service.copy(update={"id": "other", "source": "secondary: blog; secondary: guide"})
    warnings = review_warnings(Catalogue(services=[official, secondary]))
    assert [(w.entry, w.field) for w in warnings] == [("other", "source")]
