"""The throttling of failed sign-ins (rules B30).

`signin_throttle.json` under $REGISTRAR_HOME: the failed sign-ins per name, kept in a file so that
restarting the server does not reset them. After `signin_slow_after_failures` failures a name must
wait (doubling from 2 s, at most a minute) before the next attempt counts; after
`signin_lock_after_failures` it is locked for `signin_lock_minutes`. A successful sign-in clears
the name's record.

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
T = TypeVar("T")


@dataclass(frozen=True)
class ThrottlePolicy:
    slow_after: int = 3
    lock_after: int = 6
    lock_minutes: float = 15.0
    max_delay_seconds: float = 60.0
    forget_unknown_minutes: float = 60.0

    @classmethod
    def configured(cls) -> ThrottlePolicy:
        """From settings.yml (rules B30)."""
        found = settings()
        return cls(slow_after=int(found.get("signin_slow_after_failures", cls.slow_after)),
                   lock_after=int(found.get("signin_lock_after_failures", cls.lock_after)),
                   lock_minutes=float(found.get("signin_lock_minutes", cls.lock_minutes)),
                   forget_unknown_minutes=float(found.get("signin_forget_unknown_minutes",
                                                          cls.forget_unknown_minutes)))

    def delay(self, failures: int) -> float:
        """Seconds a name waits after its `failures`-th failure (0 before slow_after)."""
        if failures < self.slow_after:
            return 0.0
        return min(2.0 * 2 ** (failures - self.slow_after), self.max_delay_seconds)


@dataclass(frozen=True)
class Verdict:
    """Whether a sign-in attempt for a name may be checked now, and if not, for how long not."""

    allowed: bool
    locked: bool = False
    wait_seconds: float = 0.0
    failures: int = 0


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """How one sign-in attempt ended: `verdict` after it, whether the password was `checked` at
    all (False: refused unchecked, the name slowed or locked), and what the check returned
    (`value`, None for a wrong password)."""

    verdict: Verdict
    checked: bool
    value: T | None = None


class Throttle:
    """Failed sign-ins per name, in a file under $REGISTRAR_HOME."""

    def __init__(self, path: Path, policy: ThrottlePolicy | None = None) -> None:
        self.path = path
        self.policy = policy or ThrottlePolicy.configured()

    @classmethod
    def of(cls, home: Home | None = None, policy: ThrottlePolicy | None = None) -> Throttle:
        return cls((home or Home.from_env()).root / THROTTLE_FILE, policy)

    @staticmethod
    def _key(name: str) -> str:
        return name.strip().casefold()

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def _write(self, state: dict[str, dict[str, Any]]) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".throttle.", suffix=".tmp", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh)
        os.replace(tmp, self.path)

    def _verdict(self, state: dict[str, dict[str, Any]], name: str, now: datetime) -> Verdict:
        entry = state.get(self._key(name))
        if not entry:
            return Verdict(True)
        failures = int(entry["failures"])
        locked_until = entry.get("locked_until")
        if locked_until:
            left = (datetime.fromisoformat(locked_until) - now).total_seconds()
            if left > 0:
                return Verdict(False, locked=True, wait_seconds=left, failures=failures)
            return Verdict(True, failures=0)  # the lock has run out: a fresh start
        left = (datetime.fromisoformat(entry["last_at"]) + timedelta(seconds=self.policy.delay(failures))
                - now).total_seconds()
        return Verdict(left <= 0, wait_seconds=max(left, 0.0), failures=failures)

    def _count_failure(self, state: dict[str, dict[str, Any]], name: str, now: datetime) -> Verdict:
        key = self._key(name)
        entry = state.get(key) or {"failures": 0}
        if entry.get("locked_until") and datetime.fromisoformat(entry["locked_until"]) <= now:
            entry = {"failures": 0}  # the lock ran out before this failure
        failures = int(entry["failures"]) + 1
        entry = {"failures": failures, "last_at": now.isoformat()}
        if failures >= self.policy.lock_after:
            entry["locked_until"] = (now + timedelta(minutes=self.policy.lock_minutes)).isoformat()
        state[key] = entry
        if "locked_until" in entry:
            return Verdict(False, locked=True, wait_seconds=self.policy.lock_minutes * 60, failures=failures)
        delay = self.policy.delay(failures)
        return Verdict(delay == 0, wait_seconds=delay, failures=failures)

    def _known(self) -> set[str]:
        """The names of the users file beside the throttle file, folded as the throttle keys them."""
        from registrar.access.users import Users, users_path

        return {self._key(n) for n in Users(users_path(Home(self.path.parent))).all()}

    def _pruned(self, state: dict[str, dict[str, Any]], now: datetime) -> dict[str, dict[str, Any]]:
        """`state` without the locks that have run out and the unknown names' entries older than
        `forget_unknown_minutes` (so that guessed names do not grow the file for ever)."""
        known = self._known()
        forget = timedelta(minutes=self.policy.forget_unknown_minutes)
        kept = {}
        for key, entry in state.items():
            locked_until = entry.get("locked_until")
            if locked_until and datetime.fromisoformat(locked_until) <= now:
                continue
            if not locked_until and key not in known and datetime.fromisoformat(entry["last_at"]) + forget <= now:
                continue
            kept[key] = entry
        return kept

    def attempt(self, name: str, verify: Callable[[], T | None], now: datetime | None = None) -> Attempt[T]:
        """Decide one sign-in as one step under the file's lock: refuse it unchecked while the name is
        slowed or locked, else run `verify` (the password check: a value, or None when wrong) and
        count a failure or clear the name. Attempts sent at once are decided one after the other,
        so no password is checked after the failure that locked its name."""
        with file_lock(self.path):
            state = self._read()
            verdict = self._verdict(state, name, now or utc_now())
            if not verdict.allowed:
                return Attempt(verdict, checked=False)
            value = verify()
            now = now or utc_now()  # the failure counts from when the check ended
            if value is None:
                verdict = self._count_failure(state, name, now)
            elif state.pop(self._key(name), None) is None:
                return Attempt(Verdict(True), checked=True, value=value)
            else:
                verdict = Verdict(True)
            self._write(self._pruned(state, now))
            return Attempt(verdict, checked=True, value=value)

    def check(self, name: str, now: datetime | None = None) -> Verdict:
        """May an attempt for `name` be checked now? (Without counting one: `attempt` decides.)"""
        return self._verdict(self._read(), name, now or utc_now())

    def failed(self, name: str, now: datetime | None = None) -> Verdict:
        """Count a failed attempt; the verdict says whether the name is now locked or slowed."""
        now = now or utc_now()
        with file_lock(self.path):
            state = self._read()
            verdict = self._count_failure(state, name, now)
            self._write(self._pruned(state, now))
        return verdict

    def succeeded(self, name: str) -> None:
        key = self._key(name)
        with file_lock(self.path):
            state = self._read()
            if state.pop(key, None) is not None:
                self._write(state)
