"""`make bench`: the speed and memory goals, measured, never asserted in tests.

- bundle build time at the real size and on generated catalogues of 100,
  1 000 and 10 000 services;
- triage latency per message (p50/p95) beside Rasa's bare NLU parse of the
  same messages, with one model loaded in this process;
- redaction recall, false-redaction rate and time per message;
- the last training time (recorded by `onewindow train`).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))]


def bundle_bench() -> List[Dict[str, float]]:
    from onewindow_catalogue.bench import measure
    from onewindow_catalogue.loading import read_catalogue

    return measure(read_catalogue(ROOT / "catalogue" / "seed"))


def triage_bench(parser: Any, snapshot: Any, texts: List[str]) -> Dict[str, float]:
    from bot.triage.nlu import run
    from bot.triage.service import clean_text, triage

    parse_ms, triage_ms = [], []
    for text in texts:
        start = time.perf_counter()
        run(parser.parse(text))
        parse_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        cleaned = clean_text(text)
        triage(cleaned, run(parser.parse(cleaned)), snapshot)
        triage_ms.append((time.perf_counter() - start) * 1000)
    return {
        "messages": len(texts),
        "nlu_parse_p50_ms": round(statistics.median(parse_ms), 2),
        "nlu_parse_p95_ms": round(percentile(parse_ms, 0.95), 2),
        "triage_p50_ms": round(statistics.median(triage_ms), 2),
        "triage_p95_ms": round(percentile(triage_ms, 0.95), 2),
    }


def redaction_bench() -> Dict[str, float]:
    from bot.privacy.bench import measure

    return measure(ROOT / "tests" / "privacy" / "corpus.yml")


def training_time(data_dir: Path) -> Dict[str, Any]:
    record = data_dir / "train_time.json"
    return json.loads(record.read_text()) if record.exists() else {"seconds": None, "note": "run 'onewindow train'"}


# -- recognition: the assistant beside its peers, per set and per language ---------------------------------------

RECOGNITION_DIR = ROOT / "tests" / "recognition"


def language_of(set_name: str) -> str:
    """A set's language: the French sets are named fr_* (or *_fr*), every other set is English."""
    return "fr" if set_name.startswith("fr") or "_fr" in set_name else "en"


def recognition_bench(parser: Any, snapshot: Any, sets_dir: Path = RECOGNITION_DIR) -> Dict[str, Any]:
    """Every labelled set scored as `onewindow eval` scores it, beside the peers (bot/triage/peers.py), with the
    urgent margin: how each urgent case is caught (a safety rule, or the learned score and how far above its
    threshold), and the highest learned score of a case that is not urgent."""
    from bot.safety import detect
    from bot.triage.evaluation import load_cases, score
    from bot.triage.explain import thresholds
    from bot.triage.nlu import run
    from bot.triage.peers import score_peer, trained_peers
    from bot.triage.service import clean_text, triage

    peers = trained_peers()
    threshold = thresholds()["urgent"]
    rows: List[Dict[str, Any]] = []
    margin = {
        "urgent_cases": 0,
        "by_rules": 0,
        "by_learned": 0,
        "missed": 0,
        "lowest_learned": None,
        "threshold": threshold,
    }
    highest_false = 0.0
    for path in sorted(Path(sets_dir).glob("*/cases.yml")):
        cases = load_cases(path, snapshot)
        texts, results = [], []
        for case in cases:
            text = clean_text(case.text)
            parse = run(parser.parse(text))
            result = triage(text, parse, snapshot)
            texts.append(text)
            results.append(result)
            learned = float((parse.get("handoff_signals") or {}).get("urgent_confidence") or 0.0)
            if case.urgent:
                margin["urgent_cases"] += 1
                if detect(text) is not None:
                    margin["by_rules"] += 1
                elif result["urgent"]:
                    margin["by_learned"] += 1
                    low = margin["lowest_learned"]
                    margin["lowest_learned"] = learned if low is None else min(low, learned)
                else:
                    margin["missed"] += 1
            elif case.urgent is False and detect(text) is None:
                highest_false = max(highest_false, learned)
        scores = score(cases, results, snapshot)
        row: Dict[str, Any] = {
            "set": path.parent.name,
            "language": language_of(path.parent.name),
            "cases": scores["cases"],
            "assistant": {
                "event_exact_match": scores["event_exact_match"],
                "misrouted_rate": scores["misrouted_rate"],
                "urgent_recall": scores["urgent_recall"],
                "handoff_precision": scores["handoff"]["precision"],
                "handoff_recall": scores["handoff"]["recall"],
            },
        }
        for peer in peers:
            row[peer.name] = score_peer(peer, texts, [c.events for c in cases], [c.urgent for c in cases])
        rows.append(row)
    margin["highest_learned_not_urgent"] = round(highest_false, 4)
    return {"sets": rows, "languages": _by_language(rows, [p.name for p in peers]), "urgent_margin": margin}


def _by_language(rows: List[Dict[str, Any]], peer_names: List[str]) -> Dict[str, Dict[str, Any]]:
    """Case-weighted means per language (sets of one language pooled)."""
    out: Dict[str, Dict[str, Any]] = {}
    for language in sorted({r["language"] for r in rows}):
        mine = [r for r in rows if r["language"] == language]
        total = sum(r["cases"] for r in mine)
        summary: Dict[str, Any] = {"sets": len(mine), "cases": total}
        for system in ["assistant", *peer_names]:
            keys = [k for k, v in mine[0][system].items() if isinstance(v, (int, float))]
            summary[system] = {
                key: round(sum((r[system][key] or 0.0) * r["cases"] for r in mine) / total, 4)
                for key in keys
                if all(r[system][key] is not None for r in mine)
            }
        out[language] = summary
    return out


def recognition_markdown(result: Dict[str, Any]) -> str:
    """The recognition bench as a markdown table (life events exactly right unless said)."""
    fmt = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    lines = [
        "| set | lang | cases | keywords | TF-IDF + LR | encoder + LR | assistant | misrouted | handoff P / R "
        "| urgent recall |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in result["sets"] + [{"set": f"**all {k}**", "language": k, **v} for k, v in result["languages"].items()]:
        a = row["assistant"]
        lines.append(
            f"| {row['set']} | {row['language']} | {row['cases']} | {fmt(row['keywords']['event_exact_match'])} "
            f"| {fmt(row['tfidf_lr']['event_exact_match'])} | {fmt(row['encoder_lr']['event_exact_match'])} "
            f"| {fmt(a.get('event_exact_match'))} | {fmt(a.get('misrouted_rate'))} "
            f"| {fmt(a.get('handoff_precision'))} / {fmt(a.get('handoff_recall'))} | {fmt(a.get('urgent_recall'))} |"
        )
    m = result["urgent_margin"]
    lines.append("")
    lines.append(
        f"Urgent cases: {m['urgent_cases']}; caught by a safety rule {m['by_rules']}, by the learned score "
        f"{m['by_learned']} (lowest {fmt(m['lowest_learned'])}, threshold {m['threshold']:.2f}), missed {m['missed']}; "
        f"highest learned score of a case that is not urgent and no rule finds: {fmt(m['highest_learned_not_urgent'])}."
    )
    return "\n".join(lines)
