"""The register of issued documents (журнал регистрации исходящих документов): every transcript and
certificate of enrolment gets an outgoing number when it is made, numbered from 1 in each calendar year
(docs/rules.md B28).

The register is an append-only JSON-lines file in the data directory, beside the published warehouse
(`issued_documents.jsonl`, private to the account like everything there). Two documents issued at the
same moment (two registrars, or the Reports page and the CLI) never get one number: the next number is
read and the line appended under an exclusive lock on `issued_documents.lock`, the way the refresh locks
its file (registrar/pipeline/lock.py): the operating system drops the lock when its holder dies. The
number as printed follows the setting `outgoing_number_format` (`{seq}` the number in the year, `{year}`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from policy import settings
from registrar.common.paths import Home

REGISTER_NAME = "issued_documents.jsonl"
LOCK_NAME = "issued_documents.lock"
DEFAULT_FORMAT = "{seq}/{year}"
LOCK_WAIT_SECONDS = 30.0


class RegisterBusy(RuntimeError):
    """The register stayed locked longer than a document takes to number."""


@dataclass(frozen=True)
class Issue:
    """A document's place in the register: the number as printed, its sequence in the year and the day."""

    number: str
    seq: int
    issued_on: dt.date


def register_dir(con: duckdb.DuckDBPyConnection) -> Path:
    """The data directory of the warehouse `con` reads: the folder of its file (the published warehouse
    lives at the top of $REGISTRAR_HOME); $REGISTRAR_HOME for a database in memory."""
    row = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()
    if row and row[0]:
        return Path(row[0]).resolve().parent
    return Home.from_env().root


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the register's lock (waiting at most LOCK_WAIT_SECONDS)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RegisterBusy(f"the register of issued documents in {folder} stays locked") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)


def entries(folder: Path) -> list[dict[str, object]]:
    """Every line of the register in `folder`, oldest first (an unreadable line is skipped)."""
    path = folder / REGISTER_NAME
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a crash mid-write: its number was never handed out
    return found


def number_text(seq: int, year: int) -> str:
    """The number as printed (setting outgoing_number_format)."""
    template = str(settings().get("outgoing_number_format") or DEFAULT_FORMAT)
    return template.format(seq=seq, year=year)


def issue(folder: Path, document: str, student: str | None, lang: str, issued_on: dt.date | None = None) -> Issue:
    """Register one document and return its number: one more than the last number of its year."""
    day = issued_on or dt.date.today()
    with _locked(folder):
        seq = 1 + max((int(e.get("seq", 0)) for e in entries(folder) if e.get("year") == day.year), default=0)
        record = {"year": day.year, "seq": seq, "number": number_text(seq, day.year), "issued_on": day.isoformat(),
                  "document": document, "student": student, "lang": lang,
                  "at": dt.datetime.now().isoformat(timespec="seconds")}
        fd = os.open(folder / REGISTER_NAME, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    return Issue(str(record["number"]), seq, day)
