"""Rasa's own checks: the training data validates cleanly, and every test
conversation under tests/conversations passes with `rasa test core`."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")
MODEL = ROOT / "models" / "onewindow.tar.gz"


def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [RASA, "data", "validate", "--fail-on-warnings"], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


@pytest.mark.rasa
def test_test_conversations_pass(tmp_path):
    if not MODEL.exists():
        pytest.fail("No trained model: run 'make train'.")
    result = subprocess.run(
        [
            RASA,
            "test",
            "core",
            "--model",
            str(MODEL),
            "--stories",
            "tests/conversations",
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:] + details[:3000]
