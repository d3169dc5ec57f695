"""A student of the published demo that the Student page's tests look for, and how a passport
spells a name in Latin letters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registrar.common.paths import Home

# A Latin spelling as a passport or a registrar might write it, deliberately unlike the warehouse's
# search key (y for й and ы, kh for х, q for қ, ä for ә ...): the page must still find the name.
PASSPORT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
                    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "ä", "ğ",
                     "q", "ñ", "ö", "u", "ü", "h", "i"], strict=True))


def passport_spelling(name: str) -> str:
    return "".join(PASSPORT.get(c, c) for c in name.lower()).capitalize()


@dataclass(frozen=True)
class Student:
    student_id: str
    last_name: str
    full_name: str
    iin: str
    faculty_code: str
    orders: tuple[str, ...]  # order numbers of fct_contingent_movements, in replay order
    latest: dict[str, Any]  # fct_student_terms' latest row
    required: int
    n_debts: int


def query_frame(home: Home, sql: str, params: list[object] | None = None) -> Any:
    """The rows of `sql` on the published warehouse of `home`, as a DataFrame (the data layer's reader)."""
    from dashboards.data import Warehouse

    wh = Warehouse(home.warehouse)
    try:
        return wh.query(sql, tuple(params or ()))
    finally:
        wh.close()


def known_student(home: Home) -> Student:
    """A student with results, several orders and a surname whose passport spelling is not its search key
    (a Kazakh letter with a mark, or й, ы, х; debts if any such student has)."""
    row = query_frame(home, """
        select s.student_id, s.last_name, s.full_name, s.full_name_latin, s.iin, s.faculty_code, f.credits_required,
               f.n_debts
        from main.dim_students s join main.fct_student_standing f using (student_id)
        where f.credits_earned > 0 and s.iin is not null and regexp_matches(lower(s.last_name), '[әғқңөүйых]')
          and (select count(*) from main.fct_contingent_movements m where m.student_id = s.student_id) >= 3
        order by f.n_debts > 0 desc, s.student_id limit 1""").iloc[0]
    latest = query_frame(home, "select round(cumulative_gpa, 2) as gpa, cumulative_credits_earned as earned "
                    "from main.fct_student_terms where student_id = ? and is_latest_term", [row["student_id"]])
    assert len(latest) == 1
    # typed as in a passport, the surname is not the warehouse's key as it stands: the page's fold finds it
    assert passport_spelling(str(row["last_name"])).lower() not in str(row["full_name_latin"])
    orders = query_frame(home, "select order_no from main.fct_contingent_movements where student_id = ? "
                    "order by effective_date, replay_seq", [row["student_id"]])["order_no"]
    return Student(str(row["student_id"]), str(row["last_name"]), str(row["full_name"]), str(row["iin"]),
                   str(row["faculty_code"]), tuple(orders), latest.iloc[0].to_dict(),
                   int(row["credits_required"]), int(row["n_debts"]))
