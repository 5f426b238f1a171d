"""Every error that stops a command has a Dutch form: the message and hint templates are read
from the sources (ImvoError(...) and the helpers that build one), a sample text is made from
each and said in Dutch by the catalogue (imvo_cli/i18n/messages_nl.toml, [error])."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from imvo_cli.export import atomic
from imvo_cli.i18n.messages import _compiled, _say

SOURCES = Path(__file__).resolve().parent.parent / "imvo_cli"

# The helpers that build an ImvoError: name -> (index of the message, index of the hint) among
# their positional arguments; keyword arguments named message/hint count too.
BUILDERS = {"ImvoError": (0, None), "_fail": (1, 2), "fail": (1, 2), "_bomb": (1, 2),
            "Problem": (0, None)}  # what is wrong with a key of imvo.toml
# A value placed in a template: any text, chosen so that no template can take it for words.
SAMPLE = "Q7x"
# Texts made of parts that are checked one by one elsewhere: a table's unknown-key phrase
# ("unknown section; known: ..."), by the schema test at the end.
COMPOSED = {f"{SAMPLE}; known: {SAMPLE}"}


def _texts(node: ast.AST | None, names: dict[str, list[ast.AST]] | None = None) -> list[str]:
    """The sample texts a message or hint expression can give: a variable by what the
    function assigns to it; [] when it is computed otherwise."""
    if node is None:
        return []
    if isinstance(node, ast.Name) and names and node.id in names:
        return [text for value in names[node.id] for text in _texts(value)]
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.JoinedStr):
        out = [""]
        for part in node.values:
            if isinstance(part, ast.Constant):
                out = [o + str(part.value) for o in out]
            elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name) \
                    and names and part.value.id in names:  # a part the function words itself
                out = [o + text for o in out for text in _texts(part.value, names) or [SAMPLE]]
            else:
                out = [o + SAMPLE for o in out]
        return out
    if isinstance(node, ast.IfExp):
        return _texts(node.body, names) + _texts(node.orelse, names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left, names), _texts(node.right, names)
        if isinstance(node.left, ast.Name | ast.Attribute | ast.Call):
            left = [SAMPLE]
        if isinstance(node.right, ast.Name | ast.Attribute | ast.Call):
            right = [SAMPLE]
        return [a + b for a in left for b in right]
    if isinstance(node, ast.Call | ast.Name | ast.Attribute | ast.Subscript):
        return []
    return []


def _calls() -> list[tuple[str, str, str]]:
    """(place, part, sample text) of every message and hint an error is made with."""
    out: list[tuple[str, str, str]] = []
    for path in sorted(SOURCES.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned: dict[ast.AST, dict[str, list[ast.AST]]] = {}
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef):
                names: dict[str, list[ast.AST]] = {}
                for sub in ast.walk(function):
                    if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and \
                            isinstance(sub.targets[0], ast.Name):
                        names.setdefault(sub.targets[0].id, []).append(sub.value)
                for sub in ast.walk(function):
                    assigned.setdefault(sub, names)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in BUILDERS:
                continue
            at_message, at_hint = BUILDERS[name]
            keywords = {k.arg: k.value for k in node.keywords}
            message = node.args[at_message] if len(node.args) > at_message else keywords.get("message")
            hint = node.args[at_hint] if at_hint is not None and len(node.args) > at_hint \
                else keywords.get("hint")
            place = f"{path.relative_to(SOURCES.parent)}:{node.lineno}"
            names = assigned.get(node)
            part = "policy" if name == "Problem" else "message"
            out += [(place, part, text) for text in _texts(message, names)]
            out += [(place, "hint", text) for text in _texts(hint, names)]
    return out


CALLS = [c for c in _calls() if c[2] not in COMPOSED]


def test_the_sources_are_read():
    # If the reading broke (a helper renamed), the test below would check nothing.
    assert len(CALLS) > 250
    assert any("file not found" == text for _, _, text in CALLS)


def _dutch(part: str, text: str) -> str | None:
    return _say(_compiled("nl", "error", "", part), text, "nl")


@pytest.mark.parametrize("place, part, text", CALLS, ids=[f"{p}-{k}" for p, k, _ in CALLS])
def test_every_error_has_a_dutch_form(place, part, text):
    said = _dutch(part, text)
    assert said is not None, f"{place}: no Dutch form for the {part} {text!r} (add it to [error] in messages_nl.toml)"
    assert said != text or text.startswith("--")


@pytest.mark.parametrize("hint", sorted(set(atomic._OS_HINTS.values())))
def test_every_write_error_hint_has_a_dutch_form(hint):
    assert _dutch("hint", hint) not in (None, hint)


def _schema_texts(spec, out: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(kind, text) of every problem and meaning the policy schema can name."""
    import dataclasses

    for f in dataclasses.fields(spec):
        value = getattr(spec, f.name)
        if f.name in ("problem", "unknown") and isinstance(value, str):
            out.append(("problem", value if f.name == "problem" else f"{value}; known: {SAMPLE}"))
        elif f.name == "fields":
            for field in value.values():
                out.append(("meaning", field.help))
                if field.required:
                    out.append(("problem", field.required))
                _schema_texts(field.spec, out)
        elif dataclasses.is_dataclass(value):
            _schema_texts(value, out)
        elif isinstance(value, tuple):
            for v in value:
                if dataclasses.is_dataclass(v):
                    _schema_texts(v, out)
    return out


def test_every_problem_and_meaning_of_a_policy_key_has_a_dutch_form():
    from imvo_cli.i18n.messages import _error
    from imvo_cli.policy import SCHEMA

    texts = sorted(set(_schema_texts(SCHEMA, [])))
    assert len(texts) > 40
    missing = [text for _, text in texts if _error(text, "nl") == text]
    assert missing == []
