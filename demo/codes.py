"""The codes the demo writes, taken from the seeds the warehouse checks them against (through `policy`).

The demo simulates particular events (an admission, an expulsion for academic failure, an
academic leave for illness...), so its behaviour names the codes of those events; every
list it writes and every code it names comes from a seed, and a code the seed lacks stops
the demo with the seed to extend, as it would stop a refresh.
"""

from __future__ import annotations

from policy import codes, seed_rows

__all__ = [
    "ACTIVE", "ADMISSION_BASES", "EXPELLED", "FUNDINGS", "GRADUATED", "LANGUAGES", "LEVELS", "MOVEMENTS", "NOT_YET",
    "ON_LEAVE", "ON_MOBILITY", "REASONS", "REASON_CODES", "STATUS_CODES", "SUMMER_TERM", "SEMESTER_TERMS",
    "movement_index", "reason_index", "require",
]


class MissingCode(ValueError):
    """A code the demo simulates is not listed by the seed that the warehouse checks it against."""


def require(seed: str, column: str, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """`wanted`, in the demo's order, after checking that the seed lists every one of them."""
    missing = [code for code in wanted if code not in codes(seed, column)]
    if missing:
        raise MissingCode(f"seeds/{seed}.csv lists no {column} {', '.join(missing)}, which the demo "
                          f"university simulates: add a row for each")
    return wanted


# Movements and their reasons: every one the seeds list, in the seeds' order.
MOVEMENTS: tuple[str, ...] = codes("movement_types", "movement")
REASONS: dict[str, tuple[str, ...]] = {m: () for m in MOVEMENTS} | {
    m: tuple(r["reason"] for r in seed_rows("movement_reasons") if r["movement"] == m)
    for m in dict.fromkeys(r["movement"] for r in seed_rows("movement_reasons"))
}
REASON_CODES: tuple[str, ...] = tuple(r for rs in REASONS.values() for r in rs)
_MV = {m: i for i, m in enumerate(MOVEMENTS)}
_RS = {r: i for i, r in enumerate(REASON_CODES)}


def movement_index(code: str) -> int:
    """Index in MOVEMENTS of a movement the demo simulates."""
    if code not in _MV:
        require("movement_types", "movement", (code,))
    return _MV[code]


def reason_index(code: str) -> int:
    """Index in REASON_CODES of a reason the demo simulates."""
    if code not in _RS:
        require("movement_reasons", "reason", (code,))
    return _RS[code]


# A student's state in the simulation; the status it writes is the one the warehouse's replay of the
# orders gives (movement_types.status_after of the movement that put the student there).
ACTIVE, ON_LEAVE, ON_MOBILITY, EXPELLED, GRADUATED, NOT_YET = range(6)
_STATUS_AFTER = {r["movement"]: r["status_after"] for r in seed_rows("movement_types")}
STATUS_CODES: tuple[str, ...] = require("contingent_statuses", "status", tuple(
    _STATUS_AFTER[MOVEMENTS[movement_index(m)]]
    for m in ("admission", "academic_leave", "mobility_out", "expulsion", "graduation")))

# Terms: the regular semesters in their order, then the summer term (seed terms).
_TERM_ROWS = sorted(seed_rows("terms"), key=lambda r: int(r["term_order"]))
SEMESTER_TERMS: tuple[str, ...] = tuple(r["term"] for r in _TERM_ROWS if r["is_regular_semester"] == "true")
_SUMMER = [r["term"] for r in _TERM_ROWS if r["is_regular_semester"] != "true"]
if len(SEMESTER_TERMS) != 2 or not _SUMMER:
    raise MissingCode("seeds/terms.csv must list two regular semesters and a summer term for the demo university")
SUMMER_TERM: str = _SUMMER[0]

# The study terms the demo simulates, in the demo's own order (its random draws depend on it).
FUNDINGS: tuple[str, ...] = require("fundings", "funding", ("state_grant", "paid", "local_grant", "employer_paid"))
# Basis of admission (the optional students column admission_basis, rules B20)
ADMISSION_BASES: tuple[str, ...] = require("admission_bases", "admission_basis", ("school", "college", "higher"))
LANGUAGES: tuple[str, ...] = require("study_languages", "study_language", ("kk", "ru", "en"))
LEVELS: tuple[str, ...] = require("study_levels", "level", ("bachelor", "master", "doctorate"))
