"""The throttling of failed sign-ins (rules B30).

`signin_throttle.json` under $REGISTRAR_HOME: the failed sign-ins per name and client, kept in a
file so that restarting the server does not reset them. After `signin_slow_after_failures`
failures of a name from one client, that client must wait (doubling from 2 s, at most a minute)
before its next attempt for the name counts; after `signin_lock_after_failures` the name is locked
for that client for `signin_lock_minutes`. Another client signs in to the same name as before, so
six wrong passwords sent from one place do not lock the account for everyone (issue 21 finding 6).
A successful sign-in clears the name's record of that client.

The client is the address the connection comes from (`client_of`); the loopback and an unknown
address are one client, `local`. Behind a reverse proxy on the same machine the server takes the
client's address from the proxy's `X-Forwarded-For` (uvicorn trusts it from the loopback only).

Across all names and clients at most `signin_max_failures_per_minute` failures count in any minute:
once that many have failed, every attempt waits until the oldest of them is a minute old, so a
password spray over many names (or from many addresses) is slowed to that rate.

`Throttle.attempt` is the one way a sign-in is decided: the verdict, the password check and the
count happen as one step under the file's lock, so sign-ins sent at once are checked one after
the other and none is checked once the name is locked (issue 21 finding 2). The entries of names
that are not users expire after `signin_forget_unknown_minutes`, and a lock that has run out is
dropped, whenever the file is written (finding 6).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

from policy import settings
from registrar.access.audit import file_lock, utc_now
from registrar.common.paths import Home

THROTTLE_FILE = "signin_throttle.json"
LOCAL = "local"  # the client of a connection from the loopback, or of no known address
GLOBAL_KEY = " all"  # the failures of the last minute across all names (a name never begins with a space)
WINDOW = timedelta(minutes=1)
T = TypeVar("T")
Entries = dict[str, Any]


def client_of(address: object) -> str:
    """The client a sign-in comes from: its address (`st.context.ip_address`, which is None for the
    loopback), or `local` (also for anything that is not an address as text: a test runtime's)."""
    found = address.strip() if isinstance(address, str) else ""
    return found if found and found not in ("127.0.0.1", "::1", "localhost") else LOCAL


@dataclass(frozen=True)
class ThrottlePolicy:
    slow_after: int = 3
    lock_after: int = 6
    lock_minutes: float = 15.0
    max_delay_seconds: float = 60.0
    forget_unknown_minutes: float = 60.0
    max_failures_per_minute: int = 20

    @classmethod
    def configured(cls) -> ThrottlePolicy:
        """From settings.yml (rules B30)."""
        found = settings()
        return cls(slow_after=int(found.get("signin_slow_after_failures", cls.slow_after)),
                   lock_after=int(found.get("signin_lock_after_failures", cls.lock_after)),
                   lock_minutes=float(found.get("signin_lock_minutes", cls.lock_minutes)),
                   forget_unknown_minutes=float(found.get("signin_forget_unknown_minutes",
                                                          cls.forget_unknown_minutes)),
                   max_failures_per_minute=int(found.get("signin_max_failures_per_minute",
                                                         cls.max_failures_per_minute)))

    def delay(self, failures: int) -> float:
        """Seconds a name waits after its `failures`-th failure (0 before slow_after)."""
        if failures < self.slow_after:
            return 0.0
        return min(2.0 * 2 ** (failures - self.slow_after), self.max_delay_seconds)


@dataclass(frozen=True)
class Verdict:
    """Whether a sign-in attempt for a name from a client may be checked now, and if not, for how
    long not; `busy`: refused because of the failures of everyone (the global rate limit)."""

    allowed: bool
    locked: bool = False
    wait_seconds: float = 0.0
    failures: int = 0
    busy: bool = False


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """How one sign-in attempt ended: `verdict` after it, whether the password was `checked` at
    all (False: refused unchecked, the name slowed or locked), and what the check returned
    (`value`, None for a wrong password)."""

    verdict: Verdict
    checked: bool
    value: T | None = None


class Throttle:
    """Failed sign-ins per name and client, and of everyone in the last minute, in a file under
    $REGISTRAR_HOME: `{name: {client: {failures, last_at, locked_until}}, GLOBAL_KEY: [times]}`."""

    def __init__(self, path: Path, policy: ThrottlePolicy | None = None) -> None:
        self.path = path
        self.policy = policy or ThrottlePolicy.configured()

    @classmethod
    def of(cls, home: Home | None = None, policy: ThrottlePolicy | None = None) -> Throttle:
        return cls((home or Home.from_env()).root / THROTTLE_FILE, policy)

    @staticmethod
    def _key(name: str) -> str:
        return name.strip().casefold()

    def _read(self) -> dict[str, Any]:
        try:
            state = dict(json.loads(self.path.read_text(encoding="utf-8")))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        for key, entry in state.items():  # a file of an earlier version: failures per name only
            if key != GLOBAL_KEY and isinstance(entry, dict) and "failures" in entry:
                state[key] = {LOCAL: entry}
        return state

    def _write(self, state: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".throttle.", suffix=".tmp", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh)
        os.replace(tmp, self.path)

    def _entry(self, state: dict[str, Any], name: str, client: str) -> Entries | None:
        return state.get(self._key(name), {}).get(client)

    def _recent(self, state: dict[str, Any], now: datetime) -> list[str]:
        """The times of the failures of everyone in the minute before `now`."""
        return [at for at in state.get(GLOBAL_KEY, []) if datetime.fromisoformat(at) + WINDOW > now]

    def _verdict(self, state: dict[str, Any], name: str, client: str, now: datetime) -> Verdict:
        entry = self._entry(state, name, client)
        failures = 0
        if entry:
            failures = int(entry["failures"])
            locked_until = entry.get("locked_until")
            if locked_until and (left := (datetime.fromisoformat(locked_until) - now).total_seconds()) > 0:
                return Verdict(False, locked=True, wait_seconds=left, failures=failures)
            if locked_until:
                failures = 0  # the lock has run out: a fresh start
            else:
                left = (datetime.fromisoformat(entry["last_at"]) + timedelta(seconds=self.policy.delay(failures))
                        - now).total_seconds()
                if left > 0:
                    return Verdict(False, wait_seconds=left, failures=failures)
        recent = self._recent(state, now)
        if len(recent) >= self.policy.max_failures_per_minute:
            oldest = min(datetime.fromisoformat(at) for at in recent)
            return Verdict(False, wait_seconds=(oldest + WINDOW - now).total_seconds(), failures=failures,
                           busy=True)
        return Verdict(True, failures=failures)

    def _count_failure(self, state: dict[str, Any], name: str, client: str, now: datetime) -> Verdict:
        entry = self._entry(state, name, client) or {"failures": 0}
        if entry.get("locked_until") and datetime.fromisoformat(entry["locked_until"]) <= now:
            entry = {"failures": 0}  # the lock ran out before this failure
        failures = int(entry["failures"]) + 1
        entry = {"failures": failures, "last_at": now.isoformat()}
        if failures >= self.policy.lock_after:
            entry["locked_until"] = (now + timedelta(minutes=self.policy.lock_minutes)).isoformat()
        state.setdefault(self._key(name), {})[client] = entry
        state[GLOBAL_KEY] = [*self._recent(state, now), now.isoformat()][-self.policy.max_failures_per_minute:]
        if "locked_until" in entry:
            return Verdict(False, locked=True, wait_seconds=self.policy.lock_minutes * 60, failures=failures)
        delay = self.policy.delay(failures)
        return Verdict(delay == 0, wait_seconds=delay, failures=failures)

    def _known(self) -> set[str]:
        """The names of the users file beside the throttle file, folded as the throttle keys them."""
        from registrar.access.users import Users, users_path

        return {self._key(n) for n in Users(users_path(Home(self.path.parent))).all()}

    def _pruned(self, state: dict[str, Any], now: datetime) -> dict[str, Any]:
        """`state` without the locks that have run out, the unknown names' entries older than
        `forget_unknown_minutes` (so that guessed names do not grow the file for ever) and the
        failures of everyone older than a minute."""
        known = self._known()
        forget = timedelta(minutes=self.policy.forget_unknown_minutes)
        kept: dict[str, Any] = {}
        for key, clients in state.items():
            if key == GLOBAL_KEY:
                continue
            for client, entry in clients.items():
                locked_until = entry.get("locked_until")
                if locked_until and datetime.fromisoformat(locked_until) <= now:
                    continue
                if (not locked_until and key not in known
                        and datetime.fromisoformat(entry["last_at"]) + forget <= now):
                    continue
                kept.setdefault(key, {})[client] = entry
        recent = self._recent(state, now)
        if recent:
            kept[GLOBAL_KEY] = recent
        return kept

    def attempt(self, name: str, verify: Callable[[], T | None], now: datetime | None = None, *,
                client: str = LOCAL) -> Attempt[T]:
        """Decide one sign-in as one step under the file's lock: refuse it unchecked while the name is
        slowed or locked for this client, or while everyone's failures of the last minute are at the
        limit; else run `verify` (the password check: a value, or None when wrong) and count a
        failure or clear the name for this client. Attempts sent at once are decided one after the
        other, so no password is checked after the failure that locked its name."""
        with file_lock(self.path):
            state = self._read()
            verdict = self._verdict(state, name, client, now or utc_now())
            if not verdict.allowed:
                return Attempt(verdict, checked=False)
            value = verify()
            now = now or utc_now()  # the failure counts from when the check ended
            if value is None:
                verdict = self._count_failure(state, name, client, now)
            elif not self._forget(state, name, client):
                return Attempt(Verdict(True), checked=True, value=value)
            else:
                verdict = Verdict(True)
            self._write(self._pruned(state, now))
            return Attempt(verdict, checked=True, value=value)

    def _forget(self, state: dict[str, Any], name: str, client: str) -> bool:
        """Drop the record of `name` from `client`; whether there was one."""
        clients = state.get(self._key(name), {})
        if clients.pop(client, None) is None:
            return False
        if not clients:
            state.pop(self._key(name), None)
        return True

    def check(self, name: str, now: datetime | None = None, *, client: str = LOCAL) -> Verdict:
        """May an attempt for `name` from `client` be checked now? (Without counting one: `attempt`
        decides.)"""
        return self._verdict(self._read(), name, client, now or utc_now())

    def failed(self, name: str, now: datetime | None = None, *, client: str = LOCAL) -> Verdict:
        """Count a failed attempt; the verdict says whether the name is now locked or slowed for
        `client`."""
        now = now or utc_now()
        with file_lock(self.path):
            state = self._read()
            verdict = self._count_failure(state, name, client, now)
            self._write(self._pruned(state, now))
        return verdict

    def succeeded(self, name: str, *, client: str = LOCAL) -> None:
        with file_lock(self.path):
            state = self._read()
            if self._forget(state, name, client):
                self._write(state)
