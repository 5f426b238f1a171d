"""The HTML reports: self-contained, escaped, deterministic, small, grouped when big."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from types import SimpleNamespace

import pytest

from html_factory import QUOTE_NAME, XSS_NAME, large_chain, sample_chain
from imvo_cli.model import Issue
from imvo_cli.report import html as report
from imvo_cli.report.html import render_aggregate_html, render_map_html, script_json, write_map_html
from imvo_cli.report.layout import MAX_GROUPS_PER_TIER


@pytest.fixture(scope="module")
def page():
    return render_map_html(sample_chain())


def _data_json(page: str) -> str:
    return re.search(r'<script type="application/json" id="imvo-data">(.*?)</script>', page, re.S).group(1)


def test_same_input_same_bytes():
    a = sample_chain()
    b = sample_chain()
    b.suppliers = dict(reversed(list(b.suppliers.items())))
    b.risk = dict(reversed(list(b.risk.items())))
    assert render_map_html(a) == render_map_html(b)
    assert render_map_html(a, "nl") == render_map_html(b, "nl") != render_map_html(a)


def test_self_contained_with_a_strict_policy(page):
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert not re.search(r"<(link|iframe|object|embed|img)\b", page)
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"\burl\((?!#)", page)  # CSS fetches nothing (marker refs excepted)
    assert "@import" not in page and "@font-face" not in page
    # the hashes in the policy are those of the inline style and script
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_user_text_is_escaped_everywhere(page):
    assert XSS_NAME not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>x</script>" not in page  # from an issue message
    assert "<b>mill</b>" not in page
    # the quoted name sits inside an attribute without closing it
    assert 'aria-label="Atelier &quot;Le Fil&quot; &amp; Co&#x27;s &lt;b&gt;mill&lt;/b&gt;, India' in page
    assert "<" not in _data_json(page)


def test_script_json_cannot_close_the_script():
    text = script_json({"n": "</script><!-- x -->", "q": "a&b\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    import json

    assert json.loads(text) == {"n": "</script><!-- x -->", "q": "a&b\u2028"}


def test_every_supplier_and_the_company_drawn_and_focusable(page):
    cm = sample_chain()
    nodes = re.findall(r'<g class="node[ "][^>]*>', page)
    assert len(nodes) == len(cm.suppliers) + 1
    assert all('tabindex="0"' in n and 'role="button"' in n for n in nodes)
    assert page.count('class="edge"') == cm.graph.number_of_edges()


def test_levels_as_colour_and_text_and_upstream_ring(page):
    assert re.search(r'class="node lv-critical"[^>]*data-level="critical"', page)
    assert "· CRIT" in page and "· HIGH" in page  # the level as text, not only colour
    assert '.lv-critical{--lv:#882255' in page  # the workbook's palette
    assert 'class="ring ring-critical"' in page  # upstream risk on a downstream node
    assert "up CRIT" in page


def test_sections_around_the_picture(page):
    for sid in ("summary", "chain", "flagged", "heatmap", "issues", "sources", "policy"):
        assert f'<section id="{sid}"' in page
    assert 'id="flagged-table"' in page and 'data-kind="num"' in page
    assert "country-unknown" in page and "use an ISO code such as NL" in page
    assert "audit max age months" in page  # policy.describe()
    assert "@page{size:A4 landscape" in page


def test_sources_and_editions_are_listed(monkeypatch):
    monkeypatch.setattr("imvo_cli.risk.sources", lambda: [
        {"name": "US DOL ILAB List of Goods", "edition": "2024", "url": "https://www.dol.gov/ilab",
         "licence": "public domain"}])
    page = render_map_html(sample_chain())
    assert "US DOL ILAB List of Goods" in page and "https://www.dol.gov/ilab" in page
    assert "public domain" in page


def test_cards_hold_only_what_the_page_shows(page):
    import json

    cards = json.loads(_data_json(page))["cards"]
    cm = sample_chain()
    assert set(cards) == set(cm.suppliers) | {cm.company.id}
    assert all(set(c) <= {"n", "c", "t", "p", "pr", "l", "u", "up", "r", "w"} for k, c in cards.items()
               if k != cm.company.id)


def test_write_map_html_writes_the_rendered_page(tmp_path):
    out = tmp_path / "report.html"
    write_map_html(sample_chain(), out)
    assert out.read_text(encoding="utf-8") == render_map_html(sample_chain())
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left behind


def test_ten_thousand_suppliers_are_grouped():
    cm = large_chain(10_000)
    page = render_map_html(cm)
    nodes = re.findall(r'<g class="node[ "][^"]*"', page)
    assert 1 < len(nodes) <= 4 * MAX_GROUPS_PER_TIER + 1
    assert all("group" in n for n in nodes if "company" not in n)
    assert "10,000 suppliers are grouped" in page
    assert len(page) < 1_000_000


def test_html_escape_helper():
    assert report.esc('<a href="x">\'') == "&lt;a href=&quot;x&quot;&gt;&#x27;"
    assert report.esc(None) == ""


def _aggregate(public: bool):
    f = lambda i, name, country, members, level, themes: SimpleNamespace(  # noqa: E731
        id=f"F{i}", name=name, country=country, members=members, level=level, themes=themes)
    facilities = [
        f(1, "Dhaka Stitch Ltd", "BD", ["Alpha Fashion", "Beta Wear"], "high", {"living_wage": "high"}),
        f(2, XSS_NAME, "PK", ["Alpha Fashion", "Gamma <Kids>", "Beta Wear"], "critical", {"forced_labour": "critical"}),
        f(3, "Porto Malhas", "PT", ["Beta Wear"], "low", {"living_wage": "low"}),
    ]
    members = [SimpleNamespace(name="Alpha Fashion", completeness=0.9, suppliers=2),
               SimpleNamespace(name="Beta Wear", completeness={"address": 0.5, "tier": 1.0}, suppliers=3),
               SimpleNamespace(name="Gamma <Kids>", completeness=0.4, suppliers=1)]
    issues = [Issue("warning", "address-missing", "no address", "beta.xlsx", None, 3, "Address")]
    return SimpleNamespace(facilities=facilities, members=members, issues=issues, public=public,
                           sector="textile")


def test_aggregate_report_shows_shared_locations_and_completeness():
    page = render_aggregate_html(_aggregate(public=False))
    assert 'id="shared-table"' in page and 'id="members-table"' in page
    assert "Dhaka Stitch Ltd" in page and "Porto Malhas" not in page.split('id="shared"')[1].split("</section>")[0]
    assert "Alpha Fashion" in page and "Gamma &lt;Kids&gt;" in page
    assert XSS_NAME not in page and "Gamma <Kids>" not in page
    assert "75%" in page  # mean of a completeness dict
    assert render_aggregate_html(_aggregate(public=False)) == page


def test_public_aggregate_report_names_no_member():
    page = render_aggregate_html(_aggregate(public=True))
    for name in ("Alpha Fashion", "Beta Wear", "Gamma"):
        assert name not in page
    assert "Member 1" in page and "3 members" in page
    assert "Dhaka Stitch Ltd" in page  # production locations stay public


def test_html_escape_replaces_characters_html_forbids():
    # U+FFFE/U+FFFF and C1 controls pass ingest; in HTML they are parse errors.
    assert report.esc("a\ufffe\uffff\x85\x01b") == "a\ufffd\ufffd\ufffd\ufffdb"
    assert report.esc("tab\tnew\nline") == "tab\tnew\nline"
    js = report.script_json({"name": "a\ufffe\uffffb"})
    assert "\ufffe" not in js and "\uffff" not in js
    assert json.loads(js)["name"] == "a\ufffe\uffffb"  # the data stays exact
