"""The dashboards' users: who may sign in, with which role and scope (rules B30).

One JSON file under $REGISTRAR_HOME (`users.json`, mode 0600), written whole to a temporary
file and renamed over the old one, so that a reader never sees half a file. Passwords are kept
only as argon2id hashes (salted, slow); the plain text is never stored, logged or accepted as a
command-line argument.

Roles:
- `registrar`: everything, including personal data and documents about a named student;
- `management`: every faculty, no personal data;
- `dean`: one or more faculties (`faculties`), with personal data of their students;
- `advisor`: their advisees only (`advisor_id`, the students extract's advisor_id);
- `viewer`: aggregates only, small cells suppressed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from registrar.access import passwords
from registrar.access.roles import ROLES
from registrar.common.paths import Home

USERS_FILE = "users.json"
DEMO_NAMES = ("demo-registrar", "demo-management", "demo-dean", "demo-advisor", "demo-viewer")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")  # a login name or an e-mail address (OIDC)
_CODE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

_hasher = PasswordHasher()  # argon2id with the library's current defaults (RFC 9106, low-memory profile)
# Verified when the name is unknown, so that an unknown name takes as long to refuse as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class UserError(ValueError):
    """A user that cannot be added or changed as asked (message says why)."""


@dataclass(frozen=True)
class User:
    """One person who may sign in to the dashboards."""

    name: str
    role: str
    faculties: tuple[str, ...] = ()
    advisor_id: str | None = None
    password_hash: str | None = field(default=None, repr=False)  # None: signs in only through OIDC
    created_at: str = ""
    password_changed_at: str | None = None

    def describe(self) -> str:
        """One line for `registrar user list` (never the hash)."""
        scope = {"dean": ", ".join(self.faculties), "advisor": self.advisor_id or ""}.get(self.role, "")
        how = "password" if self.password_hash else "OIDC only"
        return f"{self.name}\t{self.role}\t{scope or '-'}\t{how}\t{self.created_at}"


def users_path(home: Home | None = None) -> Path:
    return (home or Home.from_env()).root / USERS_FILE


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_user(user: User) -> User:
    """The user with its scope checked against its role: a dean has faculties, an advisor an ID,
    and nobody else carries either (a stale faculty on a registrar would mislead a reader)."""
    if not _NAME.match(user.name):
        raise UserError(f"not a user name: {user.name!r} (letters, digits and . _ @ + -, up to 128)")
    if user.role not in ROLES:
        raise UserError(f"unknown role {user.role!r}; one of {', '.join(ROLES)}")
    faculties = tuple(dict.fromkeys(user.faculties))
    for code in faculties:
        if not _CODE.match(code):
            raise UserError(f"not a faculty code: {code!r}")
    if user.role == "dean" and not faculties:
        raise UserError("a dean needs at least one --faculty CODE")
    if user.role != "dean" and faculties:
        raise UserError(f"only a dean has faculties, not a {user.role}")
    if user.role == "advisor" and not (user.advisor_id and _CODE.match(user.advisor_id)):
        raise UserError("an advisor needs --advisor ID (the advisor_id of the students extract)")
    if user.role != "advisor" and user.advisor_id:
        raise UserError(f"only an advisor has an advisor ID, not a {user.role}")
    return replace(user, faculties=faculties)


def hash_password(password: str, name: str | None = None) -> str:
    """The argon2id hash of a password the rules accept (passwords.py), for the user `name`."""
    refused = passwords.refusal(password, name)
    if refused:
        raise UserError(refused)
    return _hasher.hash(password)


class Users:
    """The users file of one $REGISTRAR_HOME."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def of(cls, home: Home | None = None) -> Users:
        return cls(users_path(home))

    # reading -------------------------------------------------------------------------------

    def all(self) -> dict[str, User]:
        """Every user by name (none when there is no file yet)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {name: User(**{**u, "name": name, "faculties": tuple(u.get("faculties") or ())})
                for name, u in raw.get("users", {}).items()}

    def get(self, name: str) -> User | None:
        return self.all().get(name)

    def find(self, name: str) -> User | None:
        """A user by name, case-insensitively (an OIDC e-mail address may differ in case)."""
        found = self.get(name)
        if found is not None:
            return found
        folded = name.casefold()
        return next((u for n, u in self.all().items() if n.casefold() == folded), None)

    def verify(self, name: str, password: str) -> User | None:
        """The user when `password` is theirs, else None. An unknown name costs the same time."""
        user = self.get(name)
        stored = user.password_hash if user else None
        try:
            _hasher.verify(stored or _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if user is None or stored is None:
            return None
        if _hasher.check_needs_rehash(stored):  # the library's defaults grew stronger: store the new hash
            with self._changing() as users:
                users[name] = replace(users[name], password_hash=_hasher.hash(password))
        return user

    # changing ------------------------------------------------------------------------------

    def add(self, user: User, password: str | None) -> User:
        """Add a new user with a password (None: OIDC sign-in only)."""
        user = check_user(user)
        hashed = hash_password(password, user.name) if password is not None else None
        with self._changing() as users:
            if user.name in users:
                raise UserError(f"user {user.name!r} exists; `registrar user remove` it first, or change "
                                "the password with `registrar user passwd`")
            now = _now()
            users[user.name] = replace(user, password_hash=hashed, created_at=now,
                                       password_changed_at=now if hashed else None)
            return users[user.name]

    def set_password(self, name: str, password: str) -> None:
        hashed = hash_password(password, name)
        with self._changing() as users:
            if name not in users:
                raise UserError(f"no user {name!r}")
            users[name] = replace(users[name], password_hash=hashed, password_changed_at=_now())

    def remove(self, name: str) -> None:
        with self._changing() as users:
            if users.pop(name, None) is None:
                raise UserError(f"no user {name!r}")

    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict[str, User]]:
        """Read, change and write the file under an exclusive lock (two CLI calls at once lose nothing)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            users = self.all()
            yield users
            self._write(users)
        finally:
            os.close(fd)  # releases the lock

    def _write(self, users: dict[str, User]) -> None:
        body = {"version": 1, "users": {n: {k: v for k, v in asdict(u).items() if k != "name"}
                                        for n, u in sorted(users.items())}}
        fd, tmp = tempfile.mkstemp(prefix=".users.", suffix=".tmp", dir=self.path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(body, fh, ensure_ascii=False, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


# the demo ------------------------------------------------------------------------------------

def demo_password(role: str) -> str:
    """The demo users' password: printed by `make run`, so only ever for a demo."""
    return f"{role}-demo-pass"


def real_users(home: Home | None = None) -> list[str]:
    """The users of `home` that are not demo users: a home that has them is a real one, where
    `registrar user demo` must not add users with printed passwords."""
    return sorted(name for name in Users.of(home).all() if name not in DEMO_NAMES)


def demo_users(home: Home | None = None) -> list[tuple[User, str]]:
    """A user per role for the demo university (`demo-<role>`, password `<role>-demo-pass`), added
    when missing: the dean of the first faculty, the advisor with the most advisees of the
    published warehouse (these two left out before the first publish)."""
    from registrar.common.warehouse import NoWarehouse, Warehouse

    faculty = advisor_id = None
    wh = Warehouse((home or Home.from_env()).warehouse)
    try:
        faculty = str(wh.query("select min(faculty_code) as f from main.dim_students")["f"].iloc[0])
        busiest = wh.query("select advisor_id from main.dim_students where advisor_id is not null "
                           "group by advisor_id order by count(*) desc, advisor_id limit 1")
        advisor_id = str(busiest["advisor_id"].iloc[0])
    except NoWarehouse:
        pass
    finally:
        wh.close()
    users = Users.of(home)
    wanted = [User("demo-registrar", "registrar"), User("demo-management", "management"),
              User("demo-viewer", "viewer")]
    if faculty:
        wanted.insert(2, User("demo-dean", "dean", (faculty,)))
    if advisor_id:
        wanted.insert(3, User("demo-advisor", "advisor", advisor_id=advisor_id))
    present = users.all()
    made = []
    for user in wanted:
        if user.name not in present:
            users.add(user, demo_password(user.role))
        made.append((users.get(user.name) or user, demo_password(user.role)))
    return made
