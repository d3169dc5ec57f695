"""Extract files received through the browser (rules C7): the limits of an upload, a ZIP's names
made safe, a private folder per upload under `$REGISTRAR_HOME/uploads/`, and the check of the files
by the refresh's own loader (extract/load.py, the rules of extract/validate.py), before a refresh.

A refusal is an `UploadRefused` naming a translation key and its values, so that the page says it
in the registrar's language; `str()` of it is the English text (logs, tests).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extract.contract import ENTITIES
from extract.defects import Defect
from extract.read import EXTENSIONS
from policy import settings
from registrar.common.i18n import t
from registrar.common.paths import WAREHOUSE_NAME, Home

READABLE_TYPES = ("csv", "xlsx", "zip")  # what an upload can hold: the extracts' two formats, or a ZIP of them
KEEP_UPLOADS = 5  # upload folders kept (and the held build's); the archive keeps every refreshed file anyway
CHUNK = 1 << 20
CHECK_FILE = "check.json"


class UploadRefused(ValueError):
    """The upload was refused as a whole; `key` and `values` say why (a translation key)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(t(key, "en", **values))
        self.key, self.values = key, values

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


@dataclass(frozen=True)
class Limits:
    """What one upload may hold (settings upload_max_megabytes, upload_max_files, upload_file_types)."""

    max_bytes: int
    max_files: int
    types: tuple[str, ...]

    @classmethod
    def from_settings(cls) -> Limits:
        values = settings()
        wanted = [str(v).lower().lstrip(".") for v in values.get("upload_file_types", READABLE_TYPES)]
        return cls(max_bytes=int(float(values.get("upload_max_megabytes", 500)) * 2**20),
                   max_files=int(values.get("upload_max_files", 20)),
                   types=tuple(v for v in wanted if v in READABLE_TYPES))

    @property
    def megabytes(self) -> str:
        return f"{self.max_bytes / 2**20:g}"


@dataclass
class Upload:
    """One upload: its folder of extracts and what the check found."""

    id: str
    extract_dir: Path
    files: list[dict[str, object]] = field(default_factory=list)  # name, bytes
    defects: list[Defect] = field(default_factory=list)
    warnings: list[Defect] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.defects


def extract_names() -> dict[str, str]:
    """Every file name an extract may have, lower-cased, with the name it is stored under
    (`students.csv`, `grades.xlsx`, …)."""
    return {f"{e.name}{ext}": f"{e.name}{ext}" for e in ENTITIES for ext in EXTENSIONS}


def _type(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_limits(files: Sequence[tuple[str, int]], limits: Limits) -> None:
    """Refuse an upload (names and sizes as received) past the limits: too many files, a type not
    allowed, too many bytes together, a ZIP with other files or a second ZIP."""
    if len(files) > limits.max_files:
        raise UploadRefused("upload_refused_count", n=len(files), max=limits.max_files)
    for name, _size in files:
        if _type(name) not in limits.types:
            raise UploadRefused("upload_refused_type", file=name, types=", ".join(limits.types))
    total = sum(size for _name, size in files)
    if total > limits.max_bytes:
        raise UploadRefused("upload_refused_size", mb=f"{total / 2**20:,.1f}", max=limits.megabytes)
    zips = [name for name, _size in files if _type(name) == "zip"]
    if zips and len(files) > 1:
        raise UploadRefused("upload_refused_zip_alone", file=zips[0])


_ABSOLUTE = re.compile(r"^(?:/|[A-Za-z]:)")
_UNIX_FILE_TYPE = 0o170000


def _known(name: str, seen: dict[str, str]) -> str:
    """The stored name of an extract file called `name`; refused when no extract is called so,
    or when the same extract came already (in either format)."""
    stored = extract_names().get(name.lower())
    if stored is None:
        raise UploadRefused("upload_refused_unknown_name", file=name,
                            names=", ".join(sorted({e.name for e in ENTITIES})))
    entity = stored.rsplit(".", 1)[0]
    if entity in seen:
        raise UploadRefused("upload_refused_twice", file=name, other=seen[entity])
    seen[entity] = name
    return stored


def zip_members(archive: zipfile.ZipFile, limits: Limits) -> list[tuple[zipfile.ZipInfo, str]]:
    """The members of a ZIP to unpack, each with the name it is stored under; the whole ZIP refused
    when any name is absolute, climbs with `..`, is a link or other special file, lies deeper than
    one folder, is not an extract's name or comes twice, when a member is encrypted, or when its
    files unpack to more than the limits allow (a ZIP bomb)."""
    members: list[tuple[zipfile.ZipInfo, str]] = []
    seen: dict[str, str] = {}
    for info in archive.infolist():
        raw = info.filename
        name = raw.replace("\\", "/")
        if _ABSOLUTE.match(name):
            raise UploadRefused("upload_refused_zip_absolute", file=raw)
        parts = name.rstrip("/").split("/")
        if any(p in ("..", ".", "") for p in parts) or any(ord(c) < 32 for c in name):
            raise UploadRefused("upload_refused_zip_unsafe", file=raw)
        kind = (info.external_attr >> 16) & _UNIX_FILE_TYPE
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            raise UploadRefused("upload_refused_zip_link", file=raw)
        if len(parts) > 2 or (info.is_dir() and len(parts) > 1):
            raise UploadRefused("upload_refused_zip_deep", file=raw)
        if info.is_dir():
            continue  # the one folder the files may be in
        if info.flag_bits & 0x1:
            raise UploadRefused("upload_refused_zip_encrypted", file=raw)
        members.append((info, _known(parts[-1], seen)))
    if not members:
        raise UploadRefused("upload_refused_zip_empty")
    if len(members) > limits.max_files:
        raise UploadRefused("upload_refused_count", n=len(members), max=limits.max_files)
    unpacked = sum(info.file_size for info, _stored in members)
    if unpacked > limits.max_bytes:
        raise UploadRefused("upload_refused_zip_size", mb=f"{unpacked / 2**20:,.1f}", max=limits.megabytes)
    return members


def _write_new(path: Path, chunks: object) -> int:
    """Write a new private file (0600, never through a link), chunk by chunk; its size."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    written = 0
    with os.fdopen(fd, "wb") as fh:
        for chunk in chunks:  # type: ignore[attr-defined]
            fh.write(chunk)
            written += len(chunk)
    return written


def _unpack(archive: zipfile.ZipFile, members: list[tuple[zipfile.ZipInfo, str]], target: Path,
            limits: Limits) -> list[dict[str, object]]:
    """Unpack the checked members into `target`, counting the bytes as they come: a member that
    unpacks to more than its header said, or all to more than the limit, refuses the ZIP."""
    total = 0
    files: list[dict[str, object]] = []
    for info, stored in members:
        def chunks(info: zipfile.ZipInfo = info) -> object:
            nonlocal total
            with archive.open(info) as src:
                seen = 0
                while chunk := src.read(CHUNK):
                    seen += len(chunk)
                    total += len(chunk)
                    if seen > info.file_size or total > limits.max_bytes:
                        raise UploadRefused("upload_refused_zip_size", mb=f"{total / 2**20:,.1f}",
                                            max=limits.megabytes)
                    yield chunk
        files.append({"name": stored, "bytes": _write_new(target / stored, chunks())})
    return files


def new_upload(home: Home) -> tuple[str, Path]:
    """A new private folder for one upload: uploads/<time>-<hex>/extracts (names sort by time)."""
    upload_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:4]  # sorts by time
    home.ensure()
    uploads = uploads_dir(home)
    uploads.mkdir(mode=0o700, exist_ok=True)
    folder = uploads / upload_id
    folder.mkdir(mode=0o700)
    (folder / "extracts").mkdir(mode=0o700)
    return upload_id, folder / "extracts"


def uploads_dir(home: Home) -> Path:
    return home.root / "uploads"


def receive(home: Home, files: Sequence[tuple[str, bytes]], limits: Limits | None = None) -> Upload:
    """Land the files of one upload (names as the browser sent them, their bytes) in a new
    upload folder: plain extract files as they are, a ZIP unpacked. UploadRefused, and no folder
    left, when the limits or a name refuse them."""
    limits = limits or Limits.from_settings()
    if not files:
        raise UploadRefused("upload_refused_nothing")
    check_limits([(name, len(data)) for name, data in files], limits)
    upload_id, target = new_upload(home)
    try:
        if _type(files[0][0]) == "zip":
            import io

            try:
                with zipfile.ZipFile(io.BytesIO(files[0][1])) as archive:
                    landed = _unpack(archive, zip_members(archive, limits), target, limits)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as bad:
                raise UploadRefused("upload_refused_zip_unreadable", file=files[0][0], reason=str(bad)) from None
        else:
            seen: dict[str, str] = {}
            landed = []
            for name, data in files:
                stored = _known(name.replace("\\", "/").rsplit("/", 1)[-1], seen)
                landed.append({"name": stored, "bytes": _write_new(target / stored, [data])})
    except BaseException:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise
    return Upload(upload_id, target, files=landed)


def check(upload: Upload) -> Upload:
    """Check the landed files with the refresh's own loader (every rule of the extract contract, the
    references between files, the row rules), into a scratch database removed afterwards; keep what
    it found beside the files (check.json)."""
    from registrar.common.paths import private_files
    from registrar.pipeline.refresh import load_step

    work = upload.extract_dir.parent / "check"
    try:
        with private_files():
            work.mkdir(mode=0o700, exist_ok=True)
            result = load_step(upload.extract_dir, work / WAREHOUSE_NAME, work, lambda _msg: None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    upload.defects, upload.warnings, upload.row_counts = result.defects, result.warnings, result.row_counts
    summary = {"id": upload.id, "files": upload.files, "ok": upload.ok, "row_counts": upload.row_counts,
               "defects": [d.as_dict() for d in upload.defects], "warnings": [w.as_dict() for w in upload.warnings]}
    _write_new(upload.extract_dir.parent / CHECK_FILE, [json.dumps(summary, ensure_ascii=False).encode("utf-8")])
    return upload


def prune(home: Home, keep: int = KEEP_UPLOADS, protect: Sequence[Path] = ()) -> None:
    """Remove all but the newest `keep` upload folders, never one in `protect` (the folder of a
    held build, of a running refresh)."""
    folder = uploads_dir(home)
    if not folder.is_dir():
        return
    kept = {Path(p).resolve() for p in protect}
    older = sorted((p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()), reverse=True)[keep:]
    for old in older:
        if old.resolve() not in kept and (old / "extracts").resolve() not in kept:
            shutil.rmtree(old, ignore_errors=True)
