"""Lists page: a list report's document cut to what the reader may see (rules B30, issue 18).

A list's sections name students by the columns whose headers are the translations of
`lists_student_id` and `lists_full_name`, and faculties by `lists_code_of_faculty`
(registrar.reports._lists.section). For a dean or an advisor a section keeps only the rows of
the students of the scope (their faculty today, an advisor's advisees, as the Student page does);
a section that names neither students nor faculties is a whole-university table and is left out.
For management the student ids and names are masked (`***`); every download is made from the
cut document, so it never holds more than the screen.
"""

from __future__ import annotations

from dataclasses import replace

from dashboards.data import frame
from registrar.access.scope import Scope
from registrar.common.i18n import t
from registrar.reports.base import ReportDocument, Section

STUDENT_KEY = "lists_student_id"
NAME_KEY = "lists_full_name"
FACULTY_KEY = "lists_code_of_faculty"
MASK = "***"


def visible_students(scope: Scope) -> set[str] | None:
    """The ids of the students the scope may see, or None when it sees every student."""
    faculty, faculty_params = scope.faculty_filter("v.faculty_code")
    student, student_params = scope.student_filter("v.student_id")
    listed, listed_params = scope.individuals_filter()
    if faculty == "true" and student == "true" and listed == "true":
        return None
    found = frame(f"select v.student_id from main.dim_students v where {faculty} and {student} and {listed}",
                  [*faculty_params, *student_params, *listed_params])
    return set(found["student_id"])


def scoped(doc: ReportDocument, scope: Scope, visible: set[str] | None, lang: str) -> ReportDocument:
    """`doc` as the scope may see it: rows of its students only (`visible`, None: all), sections
    about nobody in particular dropped for a scoped reader, names and ids masked without personal data."""
    student_col, name_col, faculty_col = t(STUDENT_KEY, lang), t(NAME_KEY, lang), t(FACULTY_KEY, lang)
    sections: list[Section] = []
    for section in doc.sections:
        shown = section.frame
        if visible is not None or scope.faculties is not None:
            if student_col in shown.columns:
                shown = shown[shown[student_col].isin(visible or set())]
            elif faculty_col in shown.columns and scope.faculties is not None:
                shown = shown[shown[faculty_col].isin(scope.faculties)]
            else:
                continue
        if not scope.personal_data:
            shown = shown.assign(**{c: MASK for c in (student_col, name_col) if c in shown.columns})
        sections.append(Section(section.heading, shown.reset_index(drop=True)))
    return replace(doc, sections=sections)

