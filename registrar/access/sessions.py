"""Signed-in sessions of the dashboards (rules B30, issue 21): a record on the server per sign-in,
named by a cookie, so that a reload, a second tab and a page address keep the user signed in.

- A **session id** is 32 random bytes (`secrets`). The browser holds it in a cookie whose value is
  signed with HMAC-SHA256 under a key of this $REGISTRAR_HOME (`session.key`, 0600, made at first
  use); a cookie whose signature does not match is refused before any file is read.
- The server keeps **only the SHA-256 of the id**: the record is `sessions/<hash>.json` (0600,
  the folder 0700), holding the user, how they signed in, when, and when last seen. Whoever reads
  the folder learns no cookie.
- A record **ends** at sign-out (that record), a password change or removal of the user (every
  record of that user: `end_user`), after `session_idle_minutes` without an action and after
  `session_absolute_hours` since the sign-in, whatever the activity (settings.yml). An ended
  record is deleted: nothing can bring it back.
- **Hand-over**: a sign-in happens over Streamlit's websocket, which cannot set a cookie. The
  sign-in makes a one-time token (its hash kept in the record, good for `HANDOVER_SECONDS`, used
  once); the browser is sent to the server's route (dashboards/serve.py), which swaps the token
  for the cookie. The id is derived from the token under the key, so the id itself is never
  stored, not even for the hand-over.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from policy import settings
from registrar.common.paths import Home

SESSIONS_DIR = "sessions"
KEY_FILE = "session.key"
COOKIE_NAME = "registrar_session"
HANDOVER_PATH = "/_registrar/session"  # the server's route that swaps a hand-over token for the cookie
HANDOVER_SECONDS = 60  # a hand-over token not used within this is void
TOUCH_SECONDS = 10  # the last-seen time is written at most this often (a click is not a disk write)
PURGE_AFTER_SECONDS = 86400  # records over by time for a day are deleted at the next sign-in
_VERSION = "v1"


def idle_seconds() -> float:
    """No action for this long ends a session (setting session_idle_minutes)."""
    return float(settings()["session_idle_minutes"]) * 60


def absolute_seconds() -> float:
    """A session ends this long after its sign-in, active or not (setting session_absolute_hours)."""
    return float(settings()["session_absolute_hours"]) * 3600


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Record:
    """What the server keeps of one session (never its id)."""

    user: str
    via: str  # "password" or "oidc"
    started_at: float
    last_seen: float
    handover_hash: str | None = None  # SHA-256 of the one-time token, until it is used
    handover_until: float = 0.0

    def ended_by(self, now: float) -> str | None:
        """Why the session is over at `now` ("idle", "absolute"), or None while it holds."""
        if now - self.started_at > absolute_seconds():
            return "absolute"
        if now - self.last_seen > idle_seconds():
            return "idle"
        return None


@dataclass(frozen=True)
class Started:
    """A new session: `key` names its record (kept by the signing-in websocket session), `token`
    is the one-time hand-over for the cookie, `ref` a short reference for the audit log."""

    key: str
    token: str

    @property
    def ref(self) -> str:
        return self.key[:12]


@dataclass(frozen=True)
class Found:
    """A lookup: the record and its key when the session holds, else why not (`ended`: "unknown",
    "tampered", "idle", "absolute"), with the record it had when it just expired."""

    key: str | None
    record: Record | None
    ended: str | None = None

    @property
    def ref(self) -> str:
        return (self.key or "")[:12]


class Sessions:
    """The session records of one $REGISTRAR_HOME."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir = root / SESSIONS_DIR

    @classmethod
    def of(cls, home: Home | None = None) -> Sessions:
        return cls((home or Home.from_env()).root)

    # the key and the cookie ---------------------------------------------------------------------

    def _key(self) -> bytes:
        """The signing key of this home, made (32 random bytes, 0600) the first time it is needed;
        two processes making it at once agree on the first one written."""
        path = self.root / KEY_FILE
        with contextlib.suppress(FileNotFoundError):
            found = path.read_bytes()
            if len(found) >= 32:
                return found
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".session.", suffix=".key", dir=self.root)  # mode 0600
        try:
            os.write(fd, secrets.token_bytes(32))
            os.fsync(fd)
            os.close(fd)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # never replaces a key another process made meanwhile
        finally:
            os.unlink(tmp)
        return path.read_bytes()

    def _sign(self, purpose: bytes, raw: bytes) -> bytes:
        return hmac.new(self._key(), purpose + b":" + raw, hashlib.sha256).digest()

    def _session_id(self, token: str) -> bytes:
        """The session id a hand-over token stands for (derived under the key: never stored)."""
        return self._sign(b"session-id", token.encode("ascii"))

    def cookie_value(self, session_id: bytes) -> str:
        return f"{_VERSION}.{_b64(session_id)}.{_b64(self._sign(b'cookie', session_id))}"

    def _key_of_cookie(self, value: str) -> str | None:
        """The record key of a cookie value whose signature holds, else None."""
        try:
            version, raw_id, signature = value.split(".")
            session_id, mac = _unb64(raw_id), _unb64(signature)
        except (ValueError, TypeError):
            return None
        if version != _VERSION or len(session_id) != 32:
            return None
        if not hmac.compare_digest(mac, self._sign(b"cookie", session_id)):
            return None
        return _sha256(session_id)

    # records -------------------------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError("not a session key")
        return self.dir / f"{key}.json"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time over the records (a touch must not bring back a record just ended)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)
        fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self, key: str) -> Record | None:
        try:
            return Record(**json.loads(self._path(key).read_text(encoding="utf-8")))
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return None

    def _write(self, key: str, record: Record) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".record.", suffix=".tmp", dir=self.dir)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(asdict(record), fh)
            os.replace(tmp, self._path(key))
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def _all(self) -> Iterator[tuple[str, Record | None]]:
        for path in sorted(self.dir.glob("*.json")):
            yield path.stem, self._read(path.stem)

    # the life of a session ------------------------------------------------------------------------

    def start(self, user: str, via: str, now: float | None = None) -> Started:
        """A new session of `user`, waiting for its cookie to be handed over (`redeem`)."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        key = _sha256(self._session_id(token))
        with self._locked():
            self._purge(now - PURGE_AFTER_SECONDS)
            self._write(key, Record(user, via, now, now, _sha256(token.encode("ascii")), now + HANDOVER_SECONDS))
        return Started(key, token)

    def redeem(self, token: str, now: float | None = None) -> tuple[str, Record] | None:
        """The cookie value for a hand-over token, once, within HANDOVER_SECONDS of the sign-in
        and while the session holds; None for any other token."""
        now = time.time() if now is None else now
        if not token or len(token) > 128 or not token.isascii():
            return None
        session_id = self._session_id(token)
        key = _sha256(session_id)
        with self._locked():
            record = self._read(key)
            if (record is None or record.handover_hash is None or now > record.handover_until
                    or not hmac.compare_digest(record.handover_hash, _sha256(token.encode("ascii")))
                    or record.ended_by(now)):
                return None
            record = Record(record.user, record.via, record.started_at, now)
            self._write(key, record)
        return self.cookie_value(session_id), record

    def lookup_cookie(self, value: str | None, now: float | None = None) -> Found:
        """The session a cookie names (see `lookup`); "tampered" when its signature fails."""
        if not value:
            return Found(None, None, "unknown")
        key = self._key_of_cookie(value)
        if key is None:
            return Found(None, None, "tampered")
        return self.lookup(key, now)

    def lookup(self, key: str, now: float | None = None) -> Found:
        """The session of a record key while it holds, touched (its last-seen time now); an idle or
        too old one is ended here and comes back with why."""
        now = time.time() if now is None else now
        with self._locked():
            record = self._read(key)
            if record is None:
                return Found(key, None, "unknown")
            ended = record.ended_by(now)
            if ended:
                self._path(key).unlink(missing_ok=True)
                return Found(key, record, ended)
            if now - record.last_seen >= TOUCH_SECONDS:
                record = Record(record.user, record.via, record.started_at, now, record.handover_hash,
                                record.handover_until)
                self._write(key, record)
        return Found(key, record)

    def end(self, key: str) -> bool:
        """End one session (sign-out); False when it had already ended."""
        with self._locked():
            path = self._path(key)
            existed = path.exists()
            path.unlink(missing_ok=True)
        return existed

    def end_user(self, user: str) -> int:
        """End every session of `user` (password changed, user removed); how many were ended."""
        if not self.dir.exists():
            return 0
        ended = 0
        with self._locked():
            for key, record in self._all():
                if record is not None and record.user == user:
                    self._path(key).unlink(missing_ok=True)
                    ended += 1
        return ended

    def _purge(self, now: float) -> None:
        """Delete records that had ended by time at `now` (and unreadable ones), under the lock."""
        for key, record in self._all():
            if record is None or record.ended_by(now):
                self._path(key).unlink(missing_ok=True)
