"""Student page: find a student (name in Cyrillic or Latin letters, IIN, student ID), then the
student's card, status history and orders, transcript by term with GPA and credits, and debts.

Every query is limited to what the scope may see (the student's faculty today, an advisor's
advisees) and shows names and IINs only through `scope.personal`. What the user types is bound
as a LIKE pattern built here (its `%`, `_` and `\\` escaped), never formatted into the SQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pandas as pd

from dashboards.data import frame
from registrar.access.scope import Scope

SEARCH_LIMIT = 50  # matches listed; a longer list asks for a longer search text
MAX_WORDS = 5  # words of a name search, each matched anywhere in the name
LANG_SUFFIX = {"kk": "kk", "ru": "ru", "en": "en"}  # the language columns of names and labels

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# The Latin text a registrar types, folded to the key dim_students.full_name_latin holds (macro
# latin_search_name): Kazakh Latin letters lose their marks, and the spellings that differ between
# passports and habits meet (y and i, kh and h, q and k, j and zh, ye and e).
_LATIN_FOLD = [("'", ""), ("’", ""), ("ʼ", ""), ("ä", "a"), ("ö", "o"), ("ü", "u"), ("ū", "u"), ("ı", "i"),
               ("ğ", "g"), ("ñ", "n"), ("ş", "sh"), ("ç", "ch"), ("q", "k"), ("kh", "h"), ("j", "zh"),
               ("ye", "e"), ("y", "i")]


def latin_key(text: str) -> str:
    """Latin text as the search key of dim_students.full_name_latin ("Dmitriy" -> "dmitri")."""
    key = unicodedata.normalize("NFC", text.lower())
    for spelled, folded in _LATIN_FOLD:
        key = key.replace(spelled, folded)
    return re.sub("i+", "i", key)


def like_escape(text: str) -> str:
    """`text` with LIKE's wildcards escaped (escape character `\\`), to match it literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    return f"%{like_escape(text)}%"


def starts_with(text: str) -> str:
    return f"{like_escape(text)}%"


def _suffix(language: str) -> str:
    return LANG_SUFFIX.get(language, "en")


def _collation(language: str) -> str:
    return "kk" if language == "kk" else "ru"


def _visible(scope: Scope, column: str) -> tuple[str, list[object]]:
    """A predicate on a student-id column: the students of the scope's faculties (today's
    programme) that its student filter admits."""
    faculty, faculty_params = scope.faculty_filter("v.faculty_code")
    student, student_params = scope.student_filter("v.student_id")
    listed, listed_params = scope.individuals_filter()  # never to a scope of aggregates only (rules B30)
    if faculty == "true" and student == "true" and listed == "true":
        return "true", []
    return (f"{column} in (select v.student_id from main.dim_students v where {faculty} and {student} and {listed})",
            [*faculty_params, *student_params, *listed_params])


def _search_predicate(scope: Scope, text: str) -> tuple[str, list[object]] | None:
    """Which students the text finds: a student ID beginning with it; with personal data shown, also
    an IIN beginning with it (digits), or a name holding every word of it (a Cyrillic word folded by the
    warehouse's `latin_search_key`, so Russian and Kazakh spellings meet, and a Latin word, in the name's
    Latin key; a Latin word also as typed, in a name written in Latin letters).
    Plain LIKEs on dim_students' lower-cased columns: ILIKE would lower-case every name each time."""
    text = " ".join(text.split())
    if not text:
        return None
    compact = text.replace(" ", "")
    alternatives, params = ["s.student_id ilike ? escape '\\'"], [starts_with(compact)]
    if scope.personal_data and compact.isdigit():  # digits: an IIN too, never a name
        alternatives.append("s.iin like ? escape '\\'")
        params.append(starts_with(compact))
    elif scope.personal_data:
        words, word_params = [], []
        for word in text.lower().split()[:MAX_WORDS]:
            if _CYRILLIC.search(word):  # Kazakh and Russian spellings meet in the Latin key (ғ g, ұ u, і i ...)
                words.append("s.full_name_latin like '%' || main.latin_search_key(?) || '%' escape '\\'")
                word_params.append(like_escape(word))
            elif latin_key(word) == word:
                words.append("s.full_name_latin like ? escape '\\'")
                word_params.append(contains(word))
            else:
                words.append("(s.full_name_latin like ? escape '\\' or s.full_name_latin like ? escape '\\')")
                word_params += [contains(latin_key(word)), contains(word)]
        alternatives.append("(" + " and ".join(words) + ")")
        params += word_params
    return "(" + " or ".join(alternatives) + ")", params


def search(scope: Scope, text: str, language: str, limit: int = SEARCH_LIMIT) -> pd.DataFrame:
    """Up to `limit` + 1 students the text finds (one more than shown tells the list is cut), by name
    in the language's collation (by student ID when names are hidden): ID, name, group, programme,
    status."""
    found = _search_predicate(scope, text)
    if found is None:
        return pd.DataFrame(columns=["student_id", "full_name", "group_code", "program_name", "status_label"])
    predicate, params = found
    faculty, faculty_params = scope.faculty_filter("s.faculty_code")
    student, student_params = scope.student_filter("s.student_id")
    # dim_students' alphabetical places (kk or ru collation): collating every match is slow for a short fragment
    order = f"s.name_order_{_collation(language)}" if scope.personal_data else "s.student_id"
    sfx = _suffix(language)
    return frame(
        f"select s.student_id, {scope.personal('s.full_name', 'full_name')}, s.group_code, "
        f"p.name_{sfx} as program_name, s.status_label_{sfx} as status_label "
        "from main.dim_students s "
        "left join main.dim_programs p on p.program_code = s.program_code "
        f"where {predicate} and {faculty} and {student} and {scope.individuals_filter()[0]} "
        f"order by {order} limit ?",
        [*params, *faculty_params, *student_params, limit + 1])


def card(scope: Scope, student_id: str, language: str) -> pd.Series | None:
    """The student's header: name and IIN (personal), programme and faculty, group, course, status,
    funding, study form, and the standing (cumulative GPA, credits against the requirement, debts);
    None when the student is not there or not in the scope."""
    faculty, faculty_params = scope.faculty_filter("s.faculty_code")
    student, student_params = scope.student_filter("s.student_id")
    sfx = _suffix(language)
    found = frame(
        f"select s.student_id, {scope.personal('s.full_name', 'full_name')}, {scope.personal('s.iin', 'iin')}, "
        f"s.program_code, p.name_{sfx} as program_name, s.faculty_code, p.faculty_name_{sfx} as faculty_name, "
        f"s.level_label_{sfx} as level_label, s.group_code, cur.course, s.status, "
        f"s.status_label_{sfx} as status_label, s.funding_label_{sfx} as funding_label, "
        f"s.study_form_label_{sfx} as study_form_label, "
        "round(f.cumulative_gpa, 2) as cumulative_gpa, f.credits_earned, f.credits_required, "
        f"f.credits_remaining, f.n_debts, f.latest_academic_year, f.latest_term_label_{sfx} as latest_term_label, "
        "f.results_history_from "
        "from main.dim_students s "
        "left join main.fct_student_standing f on f.student_id = s.student_id "
        "left join main.dim_programs p on p.program_code = s.program_code "
        "left join main.fct_student_status_history cur on cur.student_id = s.student_id and cur.is_current "
        f"where s.student_id = ? and {faculty} and {student} and {scope.individuals_filter()[0]}",
        [student_id, *faculty_params, *student_params])
    return None if found.empty else found.iloc[0]


def status_periods(scope: Scope, student_id: str, language: str) -> pd.DataFrame:
    """The student's periods of unchanged status (fct_student_status_history), the current one
    drawn up to the data's date (the extract's), never past what the data knows (issue 23 point 2)."""
    visible, params = _visible(scope, "h.student_id")
    sfx = _suffix(language)
    return frame(
        "select h.valid_from, coalesce(h.valid_to, greatest(h.valid_from + 1, "
        "(select max(extract_date)::date from meta.refresh))) as drawn_to, "
        f"h.valid_to, h.status, h.status_label_{sfx} as status_label, h.status_sort_order as sort_order, "
        "h.course, h.group_code, h.program_code, h.order_no "
        "from main.fct_student_status_history h "
        f"where h.student_id = ? and {visible} order by h.valid_from",
        [student_id, *params])


def orders(scope: Scope, student_id: str, language: str) -> pd.DataFrame:
    """Every order line of the student (fct_contingent_movements), in the order they were replayed."""
    visible, params = _visible(scope, "m.student_id")
    sfx = _suffix(language)
    return frame(
        f"select m.order_date, m.order_no, m.effective_date, m.movement_label_{sfx} as movement_label, "
        f"m.reason_label_{sfx} as reason_label, m.status_after_label_{sfx} as status_after_label, m.course_after "
        "from main.fct_contingent_movements m "
        f"where m.student_id = ? and {visible} order by m.effective_date, m.replay_seq",
        [student_id, *params])


def transcript(scope: Scope, student_id: str, language: str) -> pd.DataFrame:
    """The student's standing result of each discipline in each term (rpt_transcript), by term."""
    visible, params = _visible(scope, "r.student_id")
    sfx = _suffix(language)
    return frame(
        f"select r.academic_year, r.term_seq, r.term_label_{sfx} as term_label, r.discipline_code, "
        f"r.discipline_name_{sfx} as discipline_name, r.credits, r.final_score, r.letter_grade, r.grade_points, "
        f"r.traditional_grade_{sfx} as traditional_grade, r.is_passed, r.is_superseded_later "
        "from main.rpt_transcript r "
        f"where r.student_id = ? and {visible} order by r.term_seq, r.discipline_code",
        [student_id, *params])


def terms(scope: Scope, student_id: str, language: str) -> pd.DataFrame:
    """The student's terms (fct_student_terms): credits, term and cumulative GPA (rounded to 2 for
    display, rules B7), cumulative credits earned (B8), debts."""
    visible, params = _visible(scope, "f.student_id")
    sfx = _suffix(language)
    return frame(
        f"select f.academic_year, f.term_seq, f.term_label_{sfx} as term_label, f.credits_attempted, "
        "f.credits_earned, round(f.term_gpa, 2) as term_gpa, round(f.cumulative_gpa, 2) as cumulative_gpa, "
        "f.cumulative_credits_earned, f.n_debts, f.is_latest_term "
        "from main.fct_student_terms f "
        f"where f.student_id = ? and {visible} order by f.term_seq",
        [student_id, *params])


def debts(scope: Scope, student_id: str, language: str) -> pd.DataFrame:
    """The student's current academic debts (rpt_academic_debtors), oldest first."""
    visible, params = _visible(scope, "d.student_id")
    sfx = _suffix(language)
    return frame(
        f"select d.discipline_code, d.discipline_name_{sfx} as discipline_name, d.credits, d.letter_grade, "
        f"d.required_action, d.since_academic_year, d.since_term_label_{sfx} as since_term_label, "
        "d.n_failed_attempts from main.rpt_academic_debtors d "
        f"where d.student_id = ? and {visible} order by d.since_term_seq, d.discipline_code",
        [student_id, *params])


def full_view(scope: Scope, student_id: str, language: str) -> dict[str, object]:
    """Everything the page draws for one student (the bench's 'open a student')."""
    return {"card": card(scope, student_id, language), "periods": status_periods(scope, student_id, language),
            "orders": orders(scope, student_id, language), "transcript": transcript(scope, student_id, language),
            "terms": terms(scope, student_id, language), "debts": debts(scope, student_id, language)}


def _sample(scope: Scope) -> tuple[str, str]:
    """A student with orders and results in the middle of the list, and the first letters of the surname."""
    faculty, params = scope.faculty_filter("s.faculty_code")
    earning = ("from main.dim_students s join main.fct_student_standing f using (student_id) "
               f"where f.credits_earned > 0 and {faculty}")
    found = frame(f"select s.student_id, s.last_name {earning} "
                  f"order by s.student_id limit 1 offset (select count(*) // 2 {earning})", [*params, *params])
    return str(found["student_id"].iloc[0]), str(found["last_name"].iloc[0])[:4]


def bench_calls(scope: Scope) -> list[tuple[str, Callable[[], object]]]:
    """The Student page's interactions, for bench.latency: three searches, then a student opened."""
    student_id, fragment = _sample(scope)
    return [
        ("search_cyrillic", lambda: search(scope, fragment.lower(), "kk")),
        ("search_latin", lambda: search(scope, "aliev", "ru")),
        ("search_id", lambda: search(scope, student_id, "en")),
        ("student_view", lambda: full_view(scope, student_id, "kk")),
    ]
