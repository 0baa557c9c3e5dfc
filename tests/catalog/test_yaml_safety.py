"""YAML is read with the safe loader and refuses what could hurt: size, aliases, tags, dupes."""

from __future__ import annotations

from pathlib import Path

from bot.catalog.documents import MAX_FILE_BYTES, parse_documents, read_documents


def _problem(text: str) -> str:
    documents, problem = parse_documents(text, "f.yaml")
    assert documents == [] and problem is not None
    return str(problem)


def test_documents_are_numbered_from_one() -> None:
    documents, problem = parse_documents("a: 1\n---\n---\nb: [1, 2]\n", "f.yaml")
    assert problem is None
    assert [(d.index, d.body) for d in documents] == [(1, {"a": 1}), (2, None), (3, {"b": [1, 2]})]


def test_an_alias_bomb_is_refused() -> None:
    bomb = 'a: &a ["lol", "lol"]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n'
    assert _problem(bomb) == (
        "f.yaml:document 1: line 1: not valid YAML: anchors and aliases (&name, *name) are not "
        "accepted"
    )


def test_a_merge_key_is_an_alias_too() -> None:
    assert "anchors and aliases" in _problem("base: &b {x: 1}\nother:\n  <<: *b\n")


def test_python_tags_are_refused() -> None:
    assert _problem("a: !!python/object/apply:os.system ['true']\n").startswith(
        "f.yaml:document 1: line 1: not valid YAML: could not determine a constructor"
    )


def test_a_duplicate_key_is_refused_not_settled() -> None:
    assert _problem("a: 1\n---\nname: x\nname: y\n") == (
        "f.yaml:document 2: line 4: not valid YAML: duplicate key 'name'"
    )


def test_deep_nesting_is_refused() -> None:
    assert "not valid YAML" in _problem("[" * 20_000 + "]" * 20_000)


def test_a_syntax_error_names_its_document_and_line() -> None:
    assert _problem("a: 1\n---\nb: [1, 2\n") == (
        "f.yaml:document 2: line 4: not valid YAML: did not find expected ',' or ']'"
    )


def test_a_file_over_the_cap_is_not_parsed(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * MAX_FILE_BYTES + "\n")
    documents, problem = read_documents(big, "big.yaml")
    assert documents == [] and str(problem) == "big.yaml: is larger than 1024 KiB; split it"


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    odd = tmp_path / "odd.yaml"
    odd.write_bytes(b"name: caf\xe9\n")
    assert str(read_documents(odd, "odd.yaml")[1]) == "odd.yaml: is not UTF-8 text"
