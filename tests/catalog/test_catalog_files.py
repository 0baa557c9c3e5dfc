"""catalog-info.yaml folders: Components read, Locations followed inside the folder only."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.catalog.backstage import read_catalog_folder

CATALOG = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
COMPONENT = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {{name: {name}}}
spec: {{type: service, owner: platform, lifecycle: production}}
"""


def test_a_folder_of_catalog_files() -> None:
    read = read_catalog_folder(CATALOG / "backstage")
    assert read.whole and read.files == 4  # two catalog-info files, two reached by a Location
    fields = {
        c.name: (c.ref, c.owner, c.lifecycle, c.system, c.tags, dict(c.annotations), c.where)
        for c in read.components
    }
    assert fields == {
        "checkout": ("component:default/checkout", "checkout-team", "production", "shop",
                     ("tier-1", "java"), {"backstage.io/techdocs-ref": "dir:."},
                     "catalog-info.yaml:document 2"),
        "payments": ("component:default/payments", "payments-team", "production", "shop", (),
                     {"company.com/tier": "1"}, "components/payments.yaml:document 1"),
        "search": ("component:default/search", "discovery", "production", None, (), {},
                   "components/search.yaml:document 1"),
        "search-indexer": ("component:discovery/search-indexer", "discovery/indexing",
                           "experimental", None, (), {}, "components/search.yaml:document 2"),
        "ledger": ("component:default/ledger", "finance", "deprecated", None, ("tier-2",), {},
                   "team-b/catalog-info.yaml:document 1"),
    }  # fmt: skip
    assert dict(next(c for c in read.components if c.name == "search").labels) == {
        "tier": "critical"
    }


def test_locations_never_leave_the_folder_and_malformed_files_import_nothing() -> None:
    read = read_catalog_folder(CATALOG / "backstage-bad")
    assert [c.name for c in read.components] == []
    assert [str(p) for p in read.problems] == [
        "catalog-info.yaml:document 1: spec.targets[0]: '../backstage/components/payments.yaml' "
        "not followed: it is outside the folder read",
        "catalog-info.yaml:document 1: spec.targets[1]: "
        "'https://github.com/acme/shop/blob/main/catalog-info.yaml' not followed: only files "
        "inside the folder are read",
        "catalog-info.yaml:document 1: spec.targets[2]: './parts/*.yaml' not followed: glob "
        "patterns are not read; name the files",
        "catalog-info.yaml:document 1: spec.targets[3]: './missing.yaml' not followed: no such "
        "file",
        "broken/catalog-info.yaml:document 2: spec.owner: missing",  # `innocent` stays out too
        "dup/catalog-info.yaml:document 1: metadata.name: component 'good' is also defined at "
        "good.yaml:document 1; neither is imported",
    ]


def test_a_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(COMPONENT.format(name="secret"))
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "linked.yaml").symlink_to(outside / "secret.yaml")
    (root / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\n"
        "spec: {targets: [./linked.yaml]}\n"
    )
    (root / "sub").mkdir()
    (root / "sub" / "catalog-info.yaml").symlink_to(outside / "secret.yaml")
    read = read_catalog_folder(root)
    assert read.components == ()
    assert [str(p) for p in read.problems] == [
        "sub/catalog-info.yaml: not read: it links outside the folder",
        "catalog-info.yaml:document 1: spec.targets[0]: './linked.yaml' not followed: it is "
        "outside the folder read",
    ]


def test_locations_that_loop_are_read_once(tmp_path: Path) -> None:
    location = (
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {{name: {name}}}\n"
        "spec: {{targets: [{target}]}}\n---\n"
    )
    (tmp_path / "catalog-info.yaml").write_text(
        location.format(name="a", target="./b.yaml") + COMPONENT.format(name="a")
    )
    (tmp_path / "b.yaml").write_text(
        location.format(name="b", target="./catalog-info.yaml") + COMPONENT.format(name="b")
    )
    read = read_catalog_folder(tmp_path)
    assert read.whole and read.files == 2
    assert sorted(c.name for c in read.components) == ["a", "b"]


def test_one_file_and_a_missing_path(tmp_path: Path) -> None:
    shutil.copy(CATALOG / "backstage" / "team-b" / "catalog-info.yaml", tmp_path / "one.yaml")
    assert [c.name for c in read_catalog_folder(tmp_path / "one.yaml").components] == ["ledger"]
    missing = read_catalog_folder(tmp_path / "nowhere")
    assert [str(p) for p in missing.problems] == [f"{tmp_path / 'nowhere'}: no such file or folder"]


def test_field_errors_name_the_field(tmp_path: Path) -> None:
    (tmp_path / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a b\n"
        "spec: {owner: x, lifecycle: production}\n---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ok\n"
        "  annotations: {company.com/tier: 1}\nspec: {owner: x, lifecycle: production}\n---\n"
        "kind: Component\nmetadata: {name: c}\n"
    )
    assert [str(p) for p in read_catalog_folder(tmp_path).problems] == [
        "catalog-info.yaml:document 1: metadata.name: 'a b': letters, digits, . _ - (max 64)",
        "catalog-info.yaml:document 2: metadata.annotations.company.com/tier: must be a string "
        "(quote it: '1')",
        "catalog-info.yaml:document 3: apiVersion: must start with backstage.io/",
    ]
