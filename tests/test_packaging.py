"""The package list in pyproject.toml covers every folder of code, and the
service catalogue never shadows spaCy's `catalogue` dependency."""

import subprocess
import sys
from pathlib import Path

import tomli

ROOT = Path(__file__).resolve().parent.parent


def test_every_code_folder_is_a_listed_package():
    listed = set(tomli.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = (
        {
            ".".join(init.parent.relative_to(ROOT).parts)
            for top in ("bot", "actions")
            for init in (ROOT / top).rglob("__init__.py")
        }
        | {
            "onewindow_catalogue." + ".".join(init.parent.relative_to(ROOT / "catalogue").parts)
            for init in (ROOT / "catalogue").rglob("__init__.py")
        }
        | {"onewindow_catalogue"}
    )
    assert found == listed


def test_spacy_and_the_catalogue_import_together_from_the_project_root():
    code = "import spacy, catalogue, onewindow_catalogue.bundle; assert hasattr(catalogue, 'create'); spacy.blank('en')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
