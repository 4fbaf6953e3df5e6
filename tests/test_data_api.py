"""The tidy format, its validation and the data API."""
import shutil

import pandas as pd
import pytest

from helpers import data, provinces, schema


def good_rows():
    return pd.DataFrame({
        "geo_code": ["440000", "440000"], "year": [2016, 2017], "quarter": [pd.NA, pd.NA],
        "series": ["grp", "grp"], "value": [1.5, 2.0], "unit": ["亿元", "亿元"],
        "source_id": ["s", "s"], "vintage": ["v", "v"],
    })


def test_valid_table_passes_and_gets_types():
    df = schema.validate(good_rows(), "t.csv")
    assert df["year"].dtype == "int64" and df["value"].dtype == "float64"


@pytest.mark.parametrize("mutate,words", [
    (lambda d: d.assign(geo_code=["440000", "990000"]), ["t.csv", "geo_code", "990000", "row 3"]),
    (lambda d: d.assign(unit=["亿元", "bushels"]), ["t.csv", "unit", "bushels"]),
    (lambda d: d.assign(value=[1.0, "n/a"]), ["t.csv", "value", "row 3"]),
    (lambda d: d.assign(year=[2016, 2016]), ["t.csv", "duplicate", "440000"]),
    (lambda d: d.assign(quarter=[5, pd.NA]), ["t.csv", "quarter"]),
    (lambda d: d.drop(columns="vintage"), ["t.csv", "vintage"]),
])
def test_bad_tables_name_file_column_and_row(mutate, words):
    with pytest.raises(schema.DataValidationError) as e:
        schema.validate(mutate(good_rows()), "t.csv")
    for w in words:
        assert w in str(e.value)


def test_undeclared_series_rejected():
    with pytest.raises(schema.DataValidationError, match="not declared"):
        schema.validate(good_rows(), "t.csv", known_series={"population_year_end"})


def test_every_table_loads_validated():
    names = data.tables()
    assert "provincial_trade_totals" in names
    for n in names:
        df = data.load(n)
        assert list(df.columns) == schema.COLUMNS and len(df) > 0


def test_every_series_has_unit_description_and_known_source():
    cat = data.series_catalogue()
    ids = set(data.sources()["source_id"])
    assert cat["description"].str.len().min() > 10
    assert set(cat["unit"]) <= set(schema.UNITS)
    assert set(cat["source_id"]) <= ids


def test_coverage_shows_gaps_as_false():
    cov = data.coverage("trade_total_by_location")
    assert set(cov.columns) == {"series", "source_id", "vintage", "geo_code", "year", "present"}
    assert set(cov["geo_code"]) == set(provinces.CODES)


def test_corrupted_table_named_on_load(tmp_path):
    shutil.copytree(data.paths.DATA, tmp_path / "data")
    p = tmp_path / "data" / "provincial_trade_totals.csv"
    text = p.read_text(encoding="utf-8").replace("110000,2016", "119999,2016", 1)
    p.write_text(text, encoding="utf-8")
    with pytest.raises(data.DataIntegrityError, match=r"provincial_trade_totals\.csv: does not match the sha256"):
        data.load("provincial_trade_totals", tmp_path / "data")
    data.trust_files()  # without the hash check, validation still names the bad code
    try:
        with pytest.raises(schema.DataValidationError) as e:
            data.load("provincial_trade_totals", tmp_path / "data")
    finally:
        data.trust_files(False)
    assert "provincial_trade_totals.csv" in str(e.value) and "119999" in str(e.value)
    assert data.verify_hashes(tmp_path / "data") == ["provincial_trade_totals.csv"]


def test_unknown_table_lists_known_ones():
    with pytest.raises(data.UnknownTableError, match="provincial_trade_totals"):
        data.load("no_such_table")


def test_every_built_table_is_present():
    """A table that vanishes from data/ fails here instead of letting its tests pass vacuously."""
    built = {r["name"] for r in data.manifest()["resources"] if r.get("x_origin") == "build"}
    assert built == {
        "exclusions", "national_bop", "national_bop_releases", "national_bop_services", "national_customs_regime",
        "national_gacc", "national_nbs", "national_recent",
        "national_wdi",
        "provincial_fiscal", "provincial_fiscal_long", "provincial_fiscal_summaries", "provincial_transfers",
        "provincial_gfcf", "provincial_grp_expenditure", "provincial_grp_first_published",
        "provincial_grp_latest", "provincial_grp_nbs2018", "provincial_io_final_demand", "provincial_population",
        "provincial_population_nbs", "provincial_trade_annual_secondary", "provincial_trade_points",
        "provincial_trade_totals"}


def test_cached_lookups_hand_out_copies_and_follow_the_files(tmp_path):
    """data.series (and every @cached_on_data look-up) is memoised per process, keyed on the
    files' size and mtime: a caller may modify what it gets, and a changed table is re-read."""
    SRC = "nbs_fsnd_grp_2025"
    shutil.copytree(data.paths.DATA, tmp_path / "data")
    d = tmp_path / "data"
    first = data.series("grp", geo="440000", source_id=SRC, data_dir=d)
    v2020 = float(first.loc[first["year"] == 2020, "value"].iloc[0])
    first["value"] = -1.0  # the caller's copy only
    again = data.series("grp", geo="440000", source_id=SRC, data_dir=d)
    assert float(again.loc[again["year"] == 2020, "value"].iloc[0]) == v2020
    # a reader's correction to the table is seen on the next call (once trusted), with no restart
    p = d / "provincial_grp_latest.csv"
    text = p.read_text(encoding="utf-8")
    lines = text.splitlines()
    hit = [i for i, ln in enumerate(lines) if ln.startswith("440000,2020,") and ",grp," in ln]
    assert len(hit) == 1, "expected one Guangdong 2020 GRP row in provincial_grp_latest.csv"
    cells = lines[hit[0]].split(",")
    cells[4] = str(v2020 + 1000.5)
    lines[hit[0]] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(data.DataIntegrityError):  # an edited table no longer matches the manifest
        data.series("grp", geo="440000", source_id=SRC, data_dir=d)
    data.trust_files()
    try:
        changed = data.series("grp", geo="440000", source_id=SRC, data_dir=d)
    finally:
        data.trust_files(False)
    assert float(changed.loc[changed["year"] == 2020, "value"].iloc[0]) == pytest.approx(v2020 + 1000.5)
    # the repository's data/ is a different key: untouched
    repo = data.series("grp", geo="440000", source_id=SRC)
    assert float(repo.loc[repo["year"] == 2020, "value"].iloc[0]) == v2020
