"""``load_bundles``: what a deploy accepts from dist/, and the clear refusals of everything else."""

from __future__ import annotations

import json

import pytest

from segfn import deploy as core

from .conftest import SETTINGS, write_bundle


def test_a_checked_bundle_loads_with_its_manifest(tmp_path):
    write_bundle(tmp_path, "sprig", "async function onTrack() {}\r\n", name="Sprig (Python)")
    [bundle] = core.load_bundles(tmp_path)
    assert (bundle.stem, bundle.name, bundle.resource_type, bundle.module) == (
        "sprig", "Sprig (Python)", "DESTINATION", "functions/sprig.py")
    assert bundle.code.endswith("\r\n")  # the bytes that were checked, untouched
    assert bundle.settings == SETTINGS
    assert bundle.update_body() == {"code": bundle.code, "settings": SETTINGS, "description": "A function"}


@pytest.mark.parametrize("stamp, words", [
    (None, "has never passed"),
    ({"sha256": "0" * 64, "passed": True}, "was rebuilt after the last passing `segfn check`"),
    ("SAME", None),
    ({"sha256": "SAME", "passed": False}, "did not pass"),
])
def test_the_check_stamp_must_prove_these_exact_bytes(tmp_path, stamp, words):
    write_bundle(tmp_path, "sprig", "code", checked=False)
    digest = json.loads((tmp_path / "sprig.json").read_text())["sha256"]
    if stamp == "SAME":
        stamp = {"sha256": digest, "passed": True}
    if isinstance(stamp, dict):
        stamp["sha256"] = digest if stamp["sha256"] == "SAME" else stamp["sha256"]
        (tmp_path / "sprig.check.json").write_text(json.dumps(stamp))
    if words is None:
        assert len(core.load_bundles(tmp_path)) == 1
        return
    with pytest.raises(core.BundleError, match=words) as refused:
        core.load_bundles(tmp_path)
    assert "segfn check functions/sprig.py" in str(refused.value) and "--force" in str(refused.value)
    assert len(core.load_bundles(tmp_path, force=True)) == 1


def test_a_bundle_edited_after_build_is_refused_even_with_force(tmp_path):
    write_bundle(tmp_path, "sprig", "code")
    (tmp_path / "sprig.js").write_text("hand edited")
    with pytest.raises(core.BundleError, match="changed since `segfn build`"):
        core.load_bundles(tmp_path, force=True)


@pytest.mark.parametrize("edit, where", [
    (lambda m: m.pop("kind"), "kind: missing"),
    (lambda m: m.update(kind="source"), "kind: 'source' is not one of"),
    (lambda m: m.update(resourceType="INSERT_DESTINATION"), "resourceType: 'INSERT_DESTINATION' does not match"),
    (lambda m: m.update(settings={"apiKey": "x"}), "settings: not an array"),
    (lambda m: m["settings"][0].update(type="NUMBER"), "settings[0].type: 'NUMBER' is not one of"),
    (lambda m: m["settings"][0].pop("sensitive"), "settings[0].sensitive: missing or not a bool"),
    (lambda m: m["settings"][0].update(default="x"), "settings[0]: unknown key(s) ['default']"),
])
def test_a_manifest_that_breaks_the_contract_names_the_key(tmp_path, edit, where):
    write_bundle(tmp_path, "sprig", "code")
    manifest = json.loads((tmp_path / "sprig.json").read_text())
    edit(manifest)
    (tmp_path / "sprig.json").write_text(json.dumps(manifest))
    with pytest.raises(core.BundleError) as refused:
        core.load_bundles(tmp_path)
    assert str(refused.value) == f"{tmp_path / 'sprig.json'}: {where}" or where in str(refused.value)
    assert str(tmp_path / "sprig.json") in str(refused.value)


def test_a_manifest_that_is_not_json_points_at_line_and_column(tmp_path):
    write_bundle(tmp_path, "sprig", "code")
    (tmp_path / "sprig.json").write_text('{\n  "module": "functions/sprig.py",\n  "kind": }\n')
    with pytest.raises(core.BundleError, match=r"sprig\.json:3:11: not JSON"):
        core.load_bundles(tmp_path)


def test_missing_folder_bundle_or_name_and_duplicate_names(tmp_path):
    with pytest.raises(core.BundleError, match="no such folder"):
        core.load_bundles(tmp_path / "nope")
    tmp_path.joinpath("dist").mkdir()
    with pytest.raises(core.BundleError, match="no bundles in"):
        core.load_bundles(tmp_path / "dist")
    write_bundle(tmp_path / "dist", "sprig", "a", name="Sprig")
    (tmp_path / "dist" / "sprig.js").unlink()
    with pytest.raises(core.BundleError, match="its bundle sprig.js is missing"):
        core.load_bundles(tmp_path / "dist")
    write_bundle(tmp_path / "dist", "sprig", "a", name="Sprig")
    with pytest.raises(core.BundleError, match="no bundle in .* for nope"):
        core.load_bundles(tmp_path / "dist", ("nope",))
    write_bundle(tmp_path / "dist", "sprig2", "b", name="Sprig")
    with pytest.raises(core.BundleError, match="sprig and sprig2 are both DESTINATION functions named 'Sprig'"):
        core.load_bundles(tmp_path / "dist")
    assert [b.stem for b in core.load_bundles(tmp_path / "dist", ("sprig2",))] == ["sprig2"]


def test_the_public_names_are_declared():
    for module in (core, __import__("segfn.public_api", fromlist=["x"])):
        public = {n for n in vars(module) if not n.startswith("_") and n != "annotations"
                  and getattr(vars(module)[n], "__module__", module.__name__) == module.__name__
                  and not isinstance(vars(module)[n], type(json))}
        assert public <= set(module.__all__), public - set(module.__all__)
        assert all(hasattr(module, n) for n in module.__all__)
