"""Keeping the catalogue true: entries overdue for a check against their
official source, and services whose organisation has no owner to keep them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, List, Optional

from onewindow_catalogue.seed_format import Catalogue, Service


@dataclass(frozen=True)
class Overdue:
    service: Service
    last_checked: Optional[dt.date]
    days: Optional[int]  # since the last check; None = never checked


def overdue(
    catalogue: Catalogue,
    max_age_days: int,
    today: Optional[dt.date] = None,
    organisations: Optional[Iterable[str]] = None,
) -> List[Overdue]:
    """Services never checked, or last checked more than `max_age_days` ago; oldest first."""
    today = today or dt.date.today()
    wanted = set(organisations) if organisations is not None else None
    found = []
    for service in catalogue.services:
        if wanted is not None and service.organisation not in wanted:
            continue
        checked = service.last_checked
        age = (today - checked).days if checked else None
        if age is None or age > max_age_days:
            found.append(Overdue(service, checked, age))
    return sorted(found, key=lambda item: (item.days is not None, -(item.days or 0), item.service.id))


def ownerless(catalogue: Catalogue, owned_organisations: Iterable[str]) -> List[Service]:
    """Published services of organisations no active service owner keeps."""
    owned = set(owned_organisations)
    return [service for service in catalogue.services if service.organisation not in owned]
