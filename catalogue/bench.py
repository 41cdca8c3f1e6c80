"""Bundle build time on generated catalogues of growing size (`make bench`).

Generated services copy the seed's shapes (conditions, deadlines, covers,
requires, municipal scopes) under new ids, so the engine does the same work
per service as on the real catalogue."""

from __future__ import annotations

import random
import statistics
import time
from typing import Dict, List

from onewindow_catalogue.bundle import build_bundle, parse_facts
from onewindow_catalogue.seed_format import Catalogue
from onewindow_catalogue.snapshot import CatalogueSnapshot


def generated_catalogue(seed: Catalogue, size: int, rng: random.Random) -> Catalogue:
    services = []
    for index in range(size):
        template = seed.services[index % len(seed.services)]
        copy_id = f"{template.id}-g{index}"
        earlier = [s.id for s in services[-20:]]
        services.append(
            template.copy(
                update={
                    "id": copy_id,
                    "requires": [rng.choice(earlier)] if earlier and rng.random() < 0.2 else [],
                    "covers": [],
                }
            )
        )
    for service in services[::7]:
        targets = [s.id for s in rng.sample(services, k=min(2, len(services))) if s.id != service.id]
        service.covers = targets
    return seed.copy(update={"services": services})


def measure(seed: Catalogue, sizes=(100, 1_000, 10_000), repeats: int = 200) -> List[Dict[str, float]]:
    """The real catalogue first, then generated ones of each size."""
    rng = random.Random(42)
    results = []
    for size in dict.fromkeys((len(seed.services), *sizes)):
        catalogue = seed if size == len(seed.services) else generated_catalogue(seed, size, rng)
        snapshot = CatalogueSnapshot.build(catalogue)
        requests = [
            (["birth"], {"municipality": "Brampton", "born_in_ontario": "true", "birth_date": "2026-11-01"}),
            (["bereavement", "new_business"], {"municipality": "Toronto", "relationship_to_deceased": "spouse"}),
            (["new_to_ontario"], {}),
        ]
        parsed = [(events, parse_facts(snapshot, facts)) for events, facts in requests]
        rounds = max(5, repeats * 100 // max(size, 100))
        timings = []
        for _ in range(rounds):
            for events, facts in parsed:
                start = time.perf_counter()
                build_bundle(snapshot, events, facts)
                timings.append((time.perf_counter() - start) * 1e6)
        timings.sort()
        results.append(
            {
                "services": size,
                "median_us": round(statistics.median(timings), 1),
                "p95_us": round(timings[int(len(timings) * 0.95) - 1], 1),
                "us_per_service": round(statistics.median(timings) / size, 3),
            }
        )
    return results
