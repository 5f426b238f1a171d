"""`imvo map` through the command line: JSON parity, filters, files, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.mapping import map_document, read_and_map
from imvo_cli.model import level_rank
from imvo_cli.report.jsonout import dumps

SAMPLE = Path(__file__).parent / "data" / "chains.csv"


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args, env=None):
    return runner.invoke(app, ["map", *map(str, args)], env={"COLUMNS": "80", **(env or {})})


def test_json_equals_the_library_result(runner):
    result = run(runner, SAMPLE, "--format", "json", "--company", "Acme BV")
    assert result.exit_code == 0, result.output
    assert result.stdout == dumps(map_document(read_and_map(SAMPLE, company="Acme BV")))
    doc = json.loads(result.stdout)
    assert doc["schema"] == "imvo.map/3" and doc["company"]["name"] == "Acme BV"


def test_two_runs_give_identical_bytes(runner):
    a = run(runner, SAMPLE, "--format", "json").stdout
    b = run(runner, SAMPLE, "--format", "json").stdout
    assert a == b and a


def test_table_fits_80_columns_and_keeps_names(runner):
    result = run(runner, SAMPLE)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for name in ("Alpha Garments Ltd", "Zeta Cotton Farm", "Lambda Wrong Tier"):
        assert any(name in line for line in lines), name
    assert "\x1b[" not in result.stdout  # no colour without a terminal
    assert "Visibility" in result.stdout and "50%" in result.stdout


def test_filters(runner):
    out = run(runner, SAMPLE, "--country", "India").stdout
    assert "Delta Dyeing" in out and "Epsilon Spinning" in out and "Alpha Garments" not in out
    out = run(runner, SAMPLE, "--tier", "2").stdout
    assert "Gamma Fabrics" in out and "Zeta Cotton" not in out
    cm = read_and_map(SAMPLE)
    # --top follows the priority: where to act first
    order = sorted(cm.suppliers, key=lambda sid: (cm.risk[sid].priority, cm.suppliers[sid].name))
    assert [cm.risk[sid].priority for sid in order] == sorted(cm.risk[sid].priority for sid in order)
    names = [cm.suppliers[sid].name for sid in order]
    out = run(runner, SAMPLE, "--top", "2").stdout
    table = out.split("Chain issues")[0]
    assert names[0] in table and names[1] in table and names[-1] not in table
    out = run(runner, SAMPLE, "--min-risk", "critical").stdout.split("Chain issues")[0]
    for sid in order:
        shown = cm.suppliers[sid].name in out
        assert shown == (cm.risk[sid].level == "critical"), cm.suppliers[sid].name
    none = run(runner, SAMPLE, "--min-risk", "critical", "--country", "NL").stdout
    assert "No supplier matches the filters." in none


def test_tree_shows_chains_down_to_raw_materials(runner):
    out = run(runner, SAMPLE, "--tree", "--company", "Acme BV").stdout
    lines = out.splitlines()
    root = lines.index("Acme BV")
    tree = "\n".join(lines[root:])
    assert tree.index("Alpha Garments") < tree.index("Gamma Fabrics") < tree.index("Zeta Cotton Farm")
    assert "not linked to the company" in tree
    filtered = run(runner, SAMPLE, "--tree", "--country", "UZ").stdout
    assert "Zeta Cotton Farm" in filtered and "Delta Dyeing" not in filtered


@pytest.mark.parametrize("ext", ["graphml", "gexf", "json", "dot", "mmd"])
def test_graph_option_writes_the_file_and_keeps_stdout_clean(runner, tmp_path, ext):
    out = tmp_path / f"g.{ext}"
    result = run(runner, SAMPLE, "--format", "json", "--graph", out)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    json.loads(result.stdout)  # stdout holds only the document
    assert f"wrote graph {out}" in result.stderr


def test_usage_errors_exit_2_with_one_line(runner, tmp_path):
    for args, text in [
        ((SAMPLE, "--min-risk", "severe"), "--min-risk"),
        ((SAMPLE, "--country", "Atlantis"), "not a recognised country"),
        ((SAMPLE, "--format", "xml"), "--format"),
        ((SAMPLE, "--graph", tmp_path / "g.png"), "unknown graph file type"),
        ((SAMPLE, "--as-of", "yesterday"), "--as-of"),
        ((tmp_path / "missing.xlsx",), "file not found"),
    ]:
        result = run(runner, *args)
        assert result.exit_code == 2, (args, result.output)
        assert text in result.stderr and "Traceback" not in result.output
        assert result.stdout == ""


def test_refuses_to_write_over_the_input(runner, tmp_path):
    src = tmp_path / "list.csv"
    shutil.copy(SAMPLE, src)
    before = src.read_bytes()
    result = run(runner, src, "--graph", tmp_path / "list.csv")
    assert result.exit_code == 2  # the extension is refused first: .csv is no graph format
    for opt in ("--export", "--html"):
        result = run(runner, src, opt, src)
        assert result.exit_code == 2 and "output path is the input file" in result.stderr
    assert src.read_bytes() == before


def test_export_and_html_call_their_writers(runner, tmp_path, monkeypatch):
    import sys
    import types

    calls = []
    annotated = types.ModuleType("imvo_cli.export.annotated")
    annotated.write_annotated = lambda cm, out, input_path, **kw: calls.append(("xlsx", out, input_path))
    html = types.ModuleType("imvo_cli.report.html")
    html.write_map_html = lambda cm, out, **kw: calls.append(("html", out, cm.company.name))
    monkeypatch.setitem(sys.modules, "imvo_cli.export.annotated", annotated)
    monkeypatch.setitem(sys.modules, "imvo_cli.report.html", html)
    result = run(runner, SAMPLE, "--export", tmp_path / "o.xlsx", "--html", tmp_path / "o.html",
                 "--company", "Acme BV")
    assert result.exit_code == 0, result.output
    assert calls == [("xlsx", tmp_path / "o.xlsx", SAMPLE), ("html", tmp_path / "o.html", "Acme BV")]


def test_policy_company_name_is_used(runner, tmp_path):
    src = tmp_path / "list.csv"
    shutil.copy(SAMPLE, src)
    (tmp_path / "imvo.toml").write_text('[company]\nname = "Toml Brand"\n', encoding="utf-8")
    doc = json.loads(run(runner, src, "--format", "json").stdout)
    assert doc["company"]["name"] == "Toml Brand"
    doc = json.loads(run(runner, src, "--format", "json", "--company", "Flag Brand").stdout)
    assert doc["company"]["name"] == "Flag Brand"


def test_real_open_supply_hub_list_maps_flat(runner):
    fixtures = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "open-supply-hub"
    files = sorted(fixtures.glob("*.csv")) if fixtures.is_dir() else []
    if not files:
        pytest.skip("shared fixtures not available")
    result = run(runner, files[0], "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    # no links in these lists: every supplier is tier 1, nothing is lost
    assert {n["tier"] for n in doc["nodes"]} == {1}
    rows = {r for n in doc["nodes"] for r in n["rows"]}
    errors = {i["row"] for i in doc["issues"] if i["severity"] == "error"}
    assert len(rows | errors) == doc["source"]["rows"]



def test_map_leaves_live_objects_out_of_the_collections_at_exit(runner, monkeypatch):
    """`imvo map` asks for gc.freeze at interpreter exit (the shutdown collections rescanned
    millions of live objects), once however often it runs in a process; the output is whole."""
    import atexit
    import gc

    calls: list[tuple[str, object]] = []
    monkeypatch.setattr(atexit, "register", lambda f: calls.append(("register", f)))
    monkeypatch.setattr(atexit, "unregister", lambda f: calls.append(("unregister", f)))
    for _ in range(2):
        result = run(runner, SAMPLE, "--format", "json", "--company", "Acme BV")
        assert result.exit_code == 0
        assert result.stdout == dumps(map_document(read_and_map(SAMPLE, company="Acme BV")))
    assert calls == [("unregister", gc.freeze), ("register", gc.freeze)] * 2


README = Path(__file__).parent.parent / "README.md"


def readme_jq_programs() -> list[str]:
    """The jq programs the README's JSON section of `imvo map` shows (`jq '...'`)."""
    import re

    text = README.read_text(encoding="utf-8")
    section = text[text.index("## `imvo map`"):text.index("## Input columns")]
    return re.findall(r"`jq '([^`]*)'`", section)


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_readme_jq_programs_read_the_document_as_described(runner, tmp_path):
    import subprocess

    result = run(runner, SAMPLE, "--format", "json")
    assert result.exit_code == 0
    cm = read_and_map(SAMPLE)
    programs = readme_jq_programs()
    assert len(programs) == 3

    def jq(program: str) -> list[dict]:
        done = subprocess.run(["jq", "-c", program], input=result.stdout, capture_output=True,
                              text=True, check=True, timeout=30)
        return [json.loads(line) for line in done.stdout.splitlines()]

    items, levels, themes = (jq(p) for p in programs)
    assert [n["id"] for n in levels] == sorted(cm.suppliers)
    for item, level, theme in zip(items, levels, themes, strict=True):
        a = cm.risk[level["id"]]
        assert [(e["rule"], e["evidence"]) for e in item["evidence"]] == \
            [(e.rule, e.value) for e in a.evidence]
        assert level["themes"] == {k: t.level for k, t in a.themes.items()}
        for key, t in a.themes.items():
            assert [e["evidence"] for e in theme["themes"][key]["evidence"]] == \
                [a.evidence[i].value for i in t.evidence]


def test_console_names_the_rows_not_read_and_counts_the_other_warnings(runner, tmp_path):
    from conftest import write_csv

    head = ["Supplier name", "Address", "City", "Country", "Tier"]
    path = write_csv(tmp_path / "l.csv", head, [
        ["Alpha Ltd", "1 Road", "Dhaka", "Bangladesh", 1],
        ["Beta Ltd", "", "Dhaka", "Bangladesh", 1],  # a warning: no address
        ["Gamma Ltd", "3 Road", "Dhaka", "Atlantis", 1],  # an error: the row is not read
        ["", "4 Road", "Dhaka", "Bangladesh", 1]])  # an error: no name
    res = runner.invoke(app, ["map", str(path)], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    assert "Rows not read (2):" in res.stdout
    assert "row 4, column 'Country': 'Atlantis' is not a recognised country" in res.stdout
    assert "row 5, column 'Supplier name': the supplier name is empty" in res.stdout
    assert "1 warning(s) about rows and cells: imvo validate lists them" in res.stdout
    clean = write_csv(tmp_path / "c.csv", head, [["Alpha Ltd", "1 Road", "Dhaka", "Bangladesh", 1]])
    out = runner.invoke(app, ["map", str(clean)], env={"COLUMNS": "200"}).stdout
    assert "Rows not read" not in out and "warning(s) about rows" not in out


def test_main_reasons_name_the_themes_by_their_labels_in_running_text(tmp_path):
    """Regression: the reasons column wrote theme keys with their underscores replaced
    ('pesticides chemicals', 'discrimination gender') instead of the profile's labels."""
    from typer.testing import CliRunner

    from imvo_cli.cli import app

    listed = tmp_path / "flowers.csv"
    listed.write_text("Name,Country,Address,City,Product,Process\n"
                      "Rosa Farm Ltd,Ecuador,Km 5 Via Cayambe,Cayambe,roses,growing\n",
                      encoding="utf-8")
    out = CliRunner().invoke(app, ["map", str(listed), "--sector", "floriculture"],
                             env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    text = " ".join(out.stdout.split())
    assert "pesticides and chemicals" in text
    assert "pesticides chemicals" not in text
    nl = CliRunner().invoke(app, ["map", str(listed), "--sector", "floriculture", "--lang", "nl"],
                            env={"COLUMNS": "200"})
    assert "bestrijdingsmiddelen en chemicaliën" in " ".join(nl.stdout.split())
