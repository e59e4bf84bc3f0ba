"""manifest.json: read it, check it names this package, and check every required file against it."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from warehouse.contract.spec import ENCODINGS, MANIFEST, FileSpec

from .errors import PackageIncomplete, PackageRefused

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ManifestFile:
    name: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    business_date: date
    branch: str
    revision: int
    encoding: str
    files: dict[str, ManifestFile]
    digest: str  # sha256 of the manifest's content (canonical JSON): same digest = same package


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_manifest(package_dir: Path, business_date: date, branch: str) -> Manifest:
    """The package's manifest; `PackageIncomplete` without one, `PackageRefused` when it is not valid."""
    path = package_dir / MANIFEST
    if not path.is_file():
        raise PackageIncomplete(f"{package_dir} has no {MANIFEST} yet")

    def refuse(rule: str, detail: str) -> PackageRefused:
        return PackageRefused(branch, business_date, rule, detail, file=MANIFEST)

    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse("manifest_invalid", "manifest.json is not valid UTF-8 JSON") from exc
    if not isinstance(doc, dict):
        raise refuse("manifest_invalid", "manifest.json is not a JSON object")
    for key, kind in (("business_date", str), ("branch_code", str), ("encoding", str), ("files", list)):
        if not isinstance(doc.get(key), kind):
            raise refuse("manifest_invalid", f"'{key}' is missing or not a JSON {kind.__name__}")
    revision = doc.get("revision")
    if not _is_int(revision) or revision < 1:
        raise refuse("manifest_invalid", "'revision' is missing or not a positive integer")
    if doc["business_date"] != business_date.strftime("%Y%m%d") or doc["branch_code"] != branch:
        raise refuse(
            "manifest_mismatch",
            f"manifest names {doc['business_date']}/{doc['branch_code']} "
            f"but the folder is {business_date:%Y%m%d}/{branch}",
        )
    encoding = doc["encoding"].lower()
    if encoding not in ENCODINGS:
        raise refuse("unsupported_encoding", f"encoding '{doc['encoding']}' is neither utf-8 nor gbk")
    files: dict[str, ManifestFile] = {}
    for entry in doc["files"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and _is_int(entry.get("rows"))
            and entry["rows"] >= 0
            and isinstance(entry.get("sha256"), str)
            and _SHA256.fullmatch(entry["sha256"].lower())
        ):
            raise refuse("manifest_invalid", "a 'files' entry lacks name, rows >= 0 or a sha256 hex digest")
        if entry["name"] in files:
            raise refuse("manifest_invalid", f"{entry['name']} is listed twice")
        files[entry["name"]] = ManifestFile(entry["name"], entry["rows"], entry["sha256"].lower())
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return Manifest(business_date, branch, revision, encoding, files, digest)


def verified_files(package_dir: Path, manifest: Manifest, specs: tuple[FileSpec, ...]) -> dict[str, bytes]:
    """The bytes of every required file, each listed, present, not empty and matching its sha256."""
    contents = {}
    for spec in specs:

        def refuse(rule: str, detail: str, name: str = spec.name) -> PackageRefused:
            return PackageRefused(manifest.branch, manifest.business_date, rule, detail, file=name)

        entry = manifest.files.get(spec.name)
        if entry is None:
            raise refuse("file_not_listed", f"{spec.name} is required but not listed in manifest.json")
        path = package_dir / spec.name
        if not path.is_file():
            raise refuse("file_missing", f"{spec.name} is listed in manifest.json but not in the folder")
        data = path.read_bytes()
        if not data:
            raise refuse("empty_file", f"{spec.name} is empty (0 bytes, not even a header line)")
        actual = hashlib.sha256(data).hexdigest()
        if actual != entry.sha256:
            raise refuse(
                "sha256_mismatch", f"sha256 of {spec.name} is {actual}, manifest says {entry.sha256}"
            )
        contents[spec.name] = data
    return contents


def content_digest(package_dir: Path) -> str:
    """sha256 over every file of the folder (names and bytes): names a refused attempt deterministically."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package_dir.iterdir() if p.is_file()):
        digest.update(path.name.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
