"""Licences and citation metadata are present and well-formed."""
import re

import yaml

from helpers import paths


def test_citation_cff_has_the_required_fields():
    cff = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "type", "license"):
        assert cff.get(key), f"CITATION.cff lacks {key}"
    assert cff["type"] in {"software", "dataset"}
    for a in cff["authors"] + cff["preferred-citation"]["authors"]:
        assert a.get("name") or a.get("family-names"), a
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))
    assert "Spatial Dimensions of Domestic Rebalancing" in cff["preferred-citation"]["title"]


def test_licences_stated_for_code_text_and_data():
    text = (paths.ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in text and "CC BY 4.0" in text and "data/" in text
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert "MIT" in readme and "CC BY 4.0" in readme
