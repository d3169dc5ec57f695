"""The throttling of failed sign-ins (rules B30).

`signin_throttle.json` under $REGISTRAR_HOME: the failed sign-ins per name, kept in a file so that
restarting the server does not reset them. After `signin_slow_after_failures` failures a name must
wait (doubling from 2 s, at most a minute) before the next attempt counts; after
`signin_lock_after_failures` it is locked for `signin_lock_minutes`. A successful sign-in clears
the name's record.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from policy import settings
from registrar.access.audit import file_lock, utc_now
from registrar.common.paths import Home

THROTTLE_FILE = "signin_throttle.json"


@dataclass(frozen=True)
class ThrottlePolicy:
    slow_after: int = 3
    lock_after: int = 6
    lock_minutes: float = 15.0
    max_delay_seconds: float = 60.0

    @classmethod
    def configured(cls) -> ThrottlePolicy:
        """From settings.yml (rules B30)."""
        found = settings()
        return cls(slow_after=int(found.get("signin_slow_after_failures", cls.slow_after)),
                   lock_after=int(found.get("signin_lock_after_failures", cls.lock_after)),
                   lock_minutes=float(found.get("signin_lock_minutes", cls.lock_minutes)))

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

    def check(self, name: str, now: datetime | None = None) -> Verdict:
        """May an attempt for `name` be checked now? (Checked before the password is.)"""
        now = now or utc_now()
        entry = self._read().get(self._key(name))
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

    def failed(self, name: str, now: datetime | None = None) -> Verdict:
        """Count a failed attempt; the verdict says whether the name is now locked or slowed."""
        now = now or utc_now()
        key = self._key(name)
        with file_lock(self.path):
            state = self._read()
            entry = state.get(key) or {"failures": 0}
            if entry.get("locked_until") and datetime.fromisoformat(entry["locked_until"]) <= now:
                entry = {"failures": 0}  # the lock ran out before this failure
            failures = int(entry["failures"]) + 1
            entry = {"failures": failures, "last_at": now.isoformat()}
            if failures >= self.policy.lock_after:
                entry["locked_until"] = (now + timedelta(minutes=self.policy.lock_minutes)).isoformat()
            state[key] = entry
            self._write(state)
        if "locked_until" in entry:
            return Verdict(False, locked=True, wait_seconds=self.policy.lock_minutes * 60, failures=failures)
        delay = self.policy.delay(failures)
        return Verdict(delay == 0, wait_seconds=delay, failures=failures)

    def succeeded(self, name: str) -> None:
        key = self._key(name)
        with file_lock(self.path):
            state = self._read()
            if state.pop(key, None) is not None:
                self._write(state)
