"""`python -m helpers.data add` / `remove`, hardened (issue 13): every fixture in
tests/fixtures/import is either accepted with the expected values or refused with one line
naming file and line, and the copy of data/ it ran against is byte-identical afterwards.

All adds run against a copy of data/ under tmp_path, never the repository's data/.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import tracemalloc
from pathlib import Path

import pytest

from helpers import data, nbs_export, provinces, schema

FIX = Path(__file__).parent / "fixtures" / "import"
GRP_FILE = "gdp/RenJiyi163__panel_data_analysis_for_thesis/分省年度数据.csv"

# the fixtures' synthetic numbers (see make_fixtures.py): 10 x code[:2] + yy + 0.5; Tibet 2022 is a gap
CODES = ["110000", "440000", "450000", "540000", "640000", "650000"]
EXPECTED = {(c, y): int(c[:2]) * 10 + y % 100 + 0.5 for c in CODES for y in (2022, 2023)
            if (c, y) != ("540000", 2022)}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    d = tmp_path_factory.mktemp("pristine") / "data"
    shutil.copytree(data.paths.DATA, d)
    return d


@pytest.fixture
def copy(pristine, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(pristine, d)
    return d


def hashes(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob("*")) if p.is_file()}


def cli(capsys, *args, data_dir=None):
    argv = list(map(str, args)) + (["--data-dir", str(data_dir)] if data_dir else [])
    rc = data.main(argv)
    out = capsys.readouterr()
    return rc, out.out, out.err


def values(name, d):
    df = data.load(name, d)
    return {(g, int(y)): v for g, y, v in zip(df["geo_code"], df["year"], df["value"])}


# ----------------------------------------------------------------- every fixture: accepted ...

SYN_ZH = ["--indicator", "合成测试指标", "--unit", "亿元"]
ACCEPTED = [
    ("zh_gbk.csv", []),
    ("zh_utf8.csv", []),
    ("en_utf8_bom.csv", []),
    ("zh_utf16.txt", []),
    ("zh.xlsx", []),
    ("en.xls", []),
    ("thousands_ok.csv", []),
    ("wide_en.csv", ["--indicator", "Synthetic test indicator", "--unit", "100 million yuan"]),
    ("wide_zh_gbk.csv", SYN_ZH + ["--source", "合成测试数据, tests/fixtures/import"]),
    ("wide_zh.xlsx", SYN_ZH + ["--vintage", "test release 2026"]),
]


@pytest.mark.parametrize("name,args", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_fixture_accepted_with_expected_values(name, args, copy, capsys):
    before = hashes(copy)
    old = os.umask(0o022)
    try:
        rc, out, err = cli(capsys, "add", FIX / name, *args, data_dir=copy)
    finally:
        os.umask(old)
    assert rc == 0, err
    added = [t for t in data.tables(copy) if t + ".csv" not in before]
    assert len(added) == 1 and f"data/{added[0]}.csv" in out
    want = dict(EXPECTED)
    if name == "thousands_ok.csv":
        want.update({("440000", 2023): 1463.5, ("440000", 2022): 12345678.0})
    assert values(added[0], copy) == want
    assert set(data.load(added[0], copy)["unit"]) == {"亿元"}
    if "--vintage" in args:
        assert set(data.load(added[0], copy)["vintage"]) == {"test release 2026"}
    after = hashes(copy)
    changed = {k for k in before if after.get(k) != before[k]}
    assert changed == {"datapackage.json"} and set(after) - set(before) == {f"{added[0]}.csv"}
    # case 4: normal file modes, not the 0600 of a temporary file
    for f in ("datapackage.json", f"{added[0]}.csv"):
        assert (copy / f).stat().st_mode & 0o777 == 0o644, f
    assert data.verify_hashes(copy) == []
    assert not [p for p in copy.iterdir() if p.name.startswith(".")], "temporary files left behind"


# ----------------------------------------------------------------- ... or refused, data/ unchanged

REJECTED = [
    ("decimal_comma.csv", [], ["decimal_comma.csv", "line 6", "column 2 (2023)", "'463,5'"]),
    ("thousands_ambiguous.csv", [], ["thousands_ambiguous.csv", "line 6", "column 2 (2023)", "'1,463'"]),
    ("unit_in_cell.csv", [], ["unit_in_cell.csv", "line 6", "column 2 (2023)", "463.5亿元"]),
    ("ragged_row.csv", [], ["ragged_row.csv", "line 6", "1 value cell", "2 years", "line 4"]),
    ("early_error.csv", [], ["early_error.csv", "line 6", "46x.5"]),
    ("wide_en.csv", [], ["wide_en.csv", "--indicator", "--unit"]),
    ("wide_en.csv", ["--indicator", "Synthetic test indicator"], ["wide_en.csv", "--unit"]),
    ("wide_en.csv", ["--indicator", "Synthetic test indicator", "--unit", "bushels"],
     ["wide_en.csv", "--unit", "bushels"]),
]


@pytest.mark.parametrize("name,args,parts", REJECTED, ids=[f"{r[0]}{len(r[1])}" for r in REJECTED])
def test_fixture_rejected_naming_file_and_line(name, args, parts, copy, capsys):
    before = hashes(copy)
    rc, out, err = cli(capsys, "add", FIX / name, *args, data_dir=copy)
    assert rc == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    for p in parts:
        assert p in err, f"{p!r} not in {err!r}"
    assert "indicator=" not in err and "unit=" not in err  # no options the command line lacks
    assert hashes(copy) == before


def test_numbers_parsed_strictly():
    assert nbs_export.parse_number("1,234.5") == 1234.5
    assert nbs_export.parse_number("12,345,678") == 12345678
    assert nbs_export.parse_number("-0.5") == -0.5
    for bad in ("49670,2", "1,234", "12%", "3亿元", "1.234,5", "1,23.4", "1 234"):
        assert nbs_export.parse_number(bad) is None, bad


# ----------------------------------------------------------------- case 5: dangling entry, remove

def test_deleted_table_named_by_validate_repaired_by_force_and_remove(copy, capsys):
    before = hashes(copy)
    rc, out, err = cli(capsys, "add", FIX / "zh_utf8.csv", "--vintage", "v1", data_dir=copy)
    assert rc == 0, err
    name = next(t for t in data.tables(copy) if t + ".csv" not in before)
    (copy / f"{name}.csv").unlink()
    rc, out, err = cli(capsys, "validate", data_dir=copy)
    assert rc == 1 and name in err and "missing" in err and f"python -m helpers.data remove {name}" in err
    rc, out, err = cli(capsys, "add", FIX / "zh_utf8.csv", "--vintage", "v1", "--force", data_dir=copy)
    assert rc == 0, err
    assert values(name, copy) == EXPECTED and data.verify_hashes(copy) == []
    rc, out, err = cli(capsys, "remove", name, data_dir=copy)
    assert rc == 0, err
    assert hashes(copy) == before  # add then remove: byte-identical
    # a dangling entry can be removed too
    cli(capsys, "add", FIX / "zh_utf8.csv", data_dir=copy)
    name = next(t for t in data.tables(copy) if t + ".csv" not in before)
    (copy / f"{name}.csv").unlink()
    assert cli(capsys, "remove", name, data_dir=copy)[0] == 0 and hashes(copy) == before


def test_remove_refuses_built_and_unknown_tables(copy, capsys):
    before = hashes(copy)
    rc, out, err = cli(capsys, "remove", "provincial_grp_latest", data_dir=copy)
    assert rc == 2 and "provincial_grp_latest" in err and "tools.build" in err
    rc, out, err = cli(capsys, "remove", "no_such_table", data_dir=copy)
    assert rc == 2 and "no_such_table" in err
    assert hashes(copy) == before


# ----------------------------------------------------------------- case 6: duplicates refused

def test_same_values_under_another_vintage_refused(copy, capsys):
    rc, out, err = cli(capsys, "add", FIX / "zh_utf8.csv", "--vintage", "first", data_dir=copy)
    assert rc == 0, err
    first = out.split("data/")[1].split(".csv")[0]
    before = hashes(copy)
    for f in ("zh_gbk.csv", "zh.xlsx"):  # same numbers, other bytes
        rc, out, err = cli(capsys, "add", FIX / f, "--vintage", "second", data_dir=copy)
        assert rc == 2 and first in err and "already in data/" in err, err
    rc, out, err = cli(capsys, "add", FIX / "zh_utf8.csv", "--vintage", "second", data_dir=copy)
    assert rc == 2 and first in err and "--vintage" not in err, err  # the same file: --vintage is no help
    assert hashes(copy) == before


def test_raw_file_of_the_build_refused(copy, capsys, shared_sources):
    before = hashes(copy)
    rc, out, err = cli(capsys, "add", shared_sources / GRP_FILE, "--vintage", "mine", data_dir=copy)
    assert rc == 2 and "provincial_grp_latest" in err, err
    assert hashes(copy) == before


# ----------------------------------------------------------------- case 7: load checks sha256

def edit(p: Path, old: str, new: str):
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("how", ["value", "unit", "header_only"])
def test_edited_table_refused_on_load(copy, how, monkeypatch):
    monkeypatch.delenv("BOOK_SKIP_HASH_CHECK", raising=False)
    p = copy / "provincial_grp_latest.csv"
    if how == "value":
        row = next(ln for ln in p.read_text(encoding="utf-8").splitlines() if ln.startswith("440000,2010,"))
        assert ",46821.3," in row
        edit(p, row, row.replace(",46821.3,", ",46821.4,"))
    elif how == "unit":
        edit(p, ",亿元,", ",万元,")
    else:
        p.write_text(p.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(data.DataIntegrityError) as e:
        data.load("provincial_grp_latest", copy)
    assert "provincial_grp_latest.csv" in str(e.value) and "sha256" in str(e.value)
    data.trust_files()
    try:
        if how == "value":
            v = data.series("grp", geo="440000", source_id="nbs_fsnd_grp_2025", data_dir=copy)
            assert v.set_index("year").loc[2010, "value"] == 46821.4
        else:  # a unit the manifest does not declare, or no rows, is refused even when trusted
            with pytest.raises(schema.DataValidationError, match="provincial_grp_latest.csv"):
                data.load("provincial_grp_latest", copy)
    finally:
        data.trust_files(False)


def test_hash_check_env(copy, monkeypatch):
    p = copy / "provincial_trade_totals.csv"
    edit(p, "\n110000,2016,", "\n110000,2016,")  # unchanged bytes: loads
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("\n", "\n", 1) + "", encoding="utf-8")
    lines = text.splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[4], "1", 1)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("BOOK_SKIP_HASH_CHECK", "1")
    assert len(data.load("provincial_trade_totals", copy)) > 0
    monkeypatch.setenv("BOOK_SKIP_HASH_CHECK", "yes")
    with pytest.raises(ValueError, match="BOOK_SKIP_HASH_CHECK"):
        data.load("provincial_trade_totals", copy)
    monkeypatch.setenv("BOOK_SKIP_HASH_CHECK", "0")
    with pytest.raises(data.DataIntegrityError):
        data.load("provincial_trade_totals", copy)


# ----------------------------------------------------------------- case 10: huge file

@pytest.mark.slow
def test_huge_footnotes_bounded_and_streamed(copy, tmp_path, capsys):
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as fh:
        fh.write((FIX / "zh_utf8.csv").read_text(encoding="utf-8"))
        line = "注：" + "一条很长的脚注，" * 6 + "\n"
        for _ in range(100_000):  # 15 MB of footnotes; kept whole they would take about 20 MB
            fh.write(line)
    size_before = (copy / "datapackage.json").stat().st_size
    tracemalloc.start()
    try:
        info = nbs_export.read_export(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5e6, f"peak {peak / 1e6:.1f} MB (streamed, it stays well under 1 MB)"
    assert len(info.footnotes) <= 51 and sum(map(len, info.footnotes)) < 6000
    assert "not kept" in info.footnotes[-1]
    rc, out, err = cli(capsys, "add", big, data_dir=copy)
    assert rc == 0, err
    assert (copy / "datapackage.json").stat().st_size - size_before < 40_000


# ----------------------------------------------------------------- one clear line, not a traceback

def test_folder_given_to_add(copy, tmp_path, capsys):
    before = hashes(copy)
    rc, out, err = cli(capsys, "add", tmp_path, data_dir=copy)
    assert rc == 2 and err.count("\n") == 1 and str(tmp_path) in err and "folder" in err
    assert hashes(copy) == before


def test_corrupt_manifest_named(copy, capsys):
    (copy / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    before = hashes(copy)
    for args in (["add", FIX / "zh_utf8.csv"], ["validate"], ["list"], ["remove", "x"]):
        rc, out, err = cli(capsys, *args, data_dir=copy)
        assert rc == 2 and err.count("\n") == 1 and "datapackage.json" in err and "JSON" in err, (args, err)
    assert hashes(copy) == before


def test_read_only_data_dir(copy, capsys, monkeypatch):
    def denied(*a, dir=None, **k):
        raise PermissionError(13, "Permission denied", str(dir))
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    before = hashes(copy)
    rc, out, err = cli(capsys, "add", FIX / "zh_utf8.csv", data_dir=copy)
    assert rc == 2 and err.count("\n") == 1 and "Permission denied" in err and str(copy) in err, err
    assert hashes(copy) == before


# ----------------------------------------------------------------- province names

@pytest.mark.parametrize("name,code", [
    ("Xinjiang Uyghur Autonomous Region", "650000"), ("新疆维吾尔自治区", "650000"),
    ("Xinjiang Uygur Autonomous Region", "650000"), ("Guangxi Zhuang Autonomous Region", "450000"),
    ("广西壮族自治区", "450000"), ("Ningxia Hui Autonomous Region", "640000"), ("宁夏回族自治区", "640000"),
    ("Tibet Autonomous Region", "540000"), ("Xizang Autonomous Region", "540000"),
    ("Inner Mongolia Autonomous Region", "150000"), ("Beijing Municipality", "110000"),
])
def test_official_long_names(name, code):
    assert provinces.code_of(name) == code


def test_suggestion_for_misspelt_long_name():
    with pytest.raises(provinces.UnknownProvinceError) as e:
        provinces.code_of("Xinjang Uyghur Autonomous Region")
    assert "Xinjiang" in str(e.value) and "Tibet" not in str(e.value)
