"""What a password must be to be accepted (rules B30; issue 21 finding 11): at least
`password_min_length` characters (settings.yml, default 12), at least 5 different characters,
not holding the user's name, and not a common password (common_passwords.txt beside this module, also
with digits or punctuation added before or after it: "Password2025!" is "password")."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from policy import settings

COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
MIN_DIFFERENT_CHARACTERS = 5
_PADDING = string.digits + string.punctuation + string.whitespace


def min_length() -> int:
    """The shortest password accepted (setting password_min_length)."""
    return int(settings().get("password_min_length", 12))


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords, folded to lower case."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def refusal(password: str, name: str | None = None) -> str | None:
    """Why `password` is refused (for the user `name`), or None when it is accepted."""
    shortest = min_length()
    if len(password) < shortest:
        return f"a password needs at least {shortest} characters"
    if len(set(password)) < MIN_DIFFERENT_CHARACTERS:
        return f"a password needs at least {MIN_DIFFERENT_CHARACTERS} different characters"
    folded = password.casefold()
    login = (name or "").split("@")[0].casefold()
    if len(login) >= 4 and login in folded:  # (a name of 3 letters is part of many a good password)
        return "a password must not contain the user name"
    core = folded.strip(_PADDING)
    common = common_passwords()
    if folded in common or core in common or not core:
        return "that password is among the most common ones (a list that attackers try first); choose another"
    return None
