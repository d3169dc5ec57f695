"""The extract contract: what each AIS export must hold.

One declaration per file and column. The reader, the validator, the loader, the
documentation (`extract/README.md`) and the tests all read this module, so a rule
is stated once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import policy

Kind = Literal["text", "int", "decimal", "date", "bool", "enum", "code"]

ACADEMIC_YEAR_PATTERN = r"^[0-9]{4}-[0-9]{4}$"
# A student id: letters, digits and . _ / - (the AIS's own numbering), at most 32. The dashboards
# accept nothing else in an address (`?student=`), so no markup reaches a page through one.
STUDENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$"

# The file format's own vocabulary: fixed by the layout of the extract, not by the university's
# policy, and no number depends on a university adding to it. Codes that the university (or
# another AIS) may extend are kind "code" and come from a seed.
GENDERS = ("M", "F")
ASSESSMENTS = ("graded", "pass_fail")
RECOGNITION_ORIGINS = ("mobility", "transfer", "prior_learning")

# The extract date: the latest date on a signed document of the extract (an order, a grade sheet,
# a recognition protocol), so the same files always get the same verdict. An extract with none of
# them uses the day of the load.
EXTRACT_DATE_COLUMNS = (("orders", "order_date"), ("grades", "graded_on"), ("recognitions", "protocol_date"))


@dataclass(frozen=True)
class CodeList:
    """A seed column that lists the codes a column may hold (seeds/<seed>.csv)."""

    seed: str
    column: str

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes as the seed lists them now (read through `policy`, as dbt reads the seed)."""
        return policy.codes(self.seed, self.column)

    @property
    def file(self) -> str:
        """The seed's file as a registrar finds it in the project, e.g. seeds/terms.csv."""
        path = policy.seed_path(self.seed)
        return str(path.relative_to(policy.PROJECT_DIR)) if path.is_relative_to(policy.PROJECT_DIR) else str(path)


@dataclass(frozen=True)
class Column:
    """One column of an extract and every rule a value of it can break."""

    name: str
    kind: Kind = "text"
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()  # kind "enum": the file format's own vocabulary
    code_list: CodeList | None = None  # kind "code": the seed that lists the allowed codes
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    default: str | None = None
    references: tuple[str, str] | None = None  # (entity, column) that must hold the value

    @property
    def allowed(self) -> tuple[str, ...]:
        """The values an enum or code column accepts (matched ignoring letter case)."""
        return self.code_list.codes if self.code_list else self.choices


@dataclass(frozen=True)
class RowRule:
    """A rule over several parsed values of one row.

    `rule` and `broken` may name `{extract_date}` and any dbt var as `{var_name}`; the validator
    fills them in. `broken` is SQL over the row's parsed columns, true when the row breaks the
    rule; `shown` is SQL for the value reported (the column's value when empty). A warning is
    reported and kept but does not stop the refresh.
    """

    rule: str
    column: str
    broken: str
    shown: str = ""
    severity: Literal["defect", "warning"] = "defect"


@dataclass(frozen=True)
class Entity:
    """One extract file: its columns, its key and what one row is."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # An optional file may be left out of the extract: the loader then loads an empty typed table, so
    # the dbt sources always exist and a refresh without it publishes what it did before
    required: bool = True
    checks: tuple[RowRule, ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


# The IIN (ЖСН/ИИН) of a person born in Kazakhstan or registered there: digits 1-6 are the birth
# date as YYMMDD, digit 7 the century of birth and the sex (1/2 1800s, 3/4 1900s, 5/6 2000s; odd
# male, even female). An IIN that contradicts birth_date or gender is a warning, not a defect: the
# IIN drives no number, an IIN is never reissued when a birth date is corrected, and the loader
# cannot tell which of the three values is wrong, so the registrar checks them in the AIS.
_IIN_READABLE = "regexp_full_match(iin, '[0-9]{12}') and birth_date is not null and gender is not null"
_IIN_DIGIT_7 = (f"cast((year(birth_date) // 100 - 18) * 2 + case gender when '{GENDERS[1]}' then 2 else 1 end"
                " as varchar)")
_IIN_SHOWN = "iin || ' (birth_date ' || strftime(birth_date, '%Y-%m-%d') || ', gender ' || gender || ')'"


def _c(name: str, kind: Kind = "text", req: bool = False, doc: str = "", **kw: object) -> Column:
    return Column(name=name, kind=kind, required=req, doc=doc, **kw)  # type: ignore[arg-type]


def _code(name: str, seed: str, req: bool = False, doc: str = "", column: str | None = None) -> Column:
    """A column whose allowed codes are the seed's `column` (by default the column's own name)."""
    return Column(name=name, kind="code", required=req, doc=doc, code_list=CodeList(seed, column or name))


_YEAR = dict(pattern=ACADEMIC_YEAR_PATTERN)
_SCORE = dict(min=0, max=100)

# Columns that several files hold with the same meaning, declared once
_NAME_KK = _c("name_kk", req=True, doc="Name in Kazakh.")
_NAME_RU = _c("name_ru", req=True, doc="Name in Russian.")
_NAME_EN = _c("name_en", doc="Name in English.")
_STUDENT = _c("student_id", req=True, references=("students", "student_id"), doc="Student.")
_DISCIPLINE = _c("discipline_code", req=True, references=("disciplines", "discipline_code"), doc="Discipline.")
_ACADEMIC_YEAR = _c("academic_year", req=True, doc="Academic year, e.g. 2024-2025.", **_YEAR)
_TERM = _code("term", "terms", True, doc="Term of the academic year.")
# A blank's number: digits, leading zeros kept as printed; compared as a whole number (rules B32)
BLANK_NUMBER_PATTERN = r"^[0-9]{1,12}$"
_BLANK_KIND = _code("kind", "diploma_kinds", True, doc="Kind of document: diploma or supplement.")
_SERIES = _c("series", req=True, doc="Series printed on the blank, e.g. ЖБ-Б.")

ENTITIES: tuple[Entity, ...] = (
    Entity(
        "faculties",
        "One row per faculty.",
        (
            _c("faculty_code", req=True, doc="Faculty code in the AIS."),
            _NAME_KK,
            _NAME_RU,
            _NAME_EN,
        ),
        key=("faculty_code",),
    ),
    Entity(
        "programs",
        "One row per educational programme.",
        (
            _c("program_code", req=True, doc="Programme code, e.g. 6B08101."),
            _c("faculty_code", req=True, references=("faculties", "faculty_code"), doc="Owning faculty."),
            _code("level", "study_levels", True, doc="Level of study."),
            _NAME_KK,
            _NAME_RU,
            _NAME_EN,
            _c("program_group", doc="Group of educational programmes, e.g. B077."),
            _c("credits_required", "int", True, min=1, max=600, doc="Credits needed to graduate."),
            _c("duration_years", "int", True, min=1, max=8, doc="Normal length of study in years."),
        ),
        key=("program_code",),
    ),
    Entity(
        "disciplines",
        "One row per discipline (course unit).",
        (
            _c("discipline_code", req=True, doc="Discipline code."),
            _NAME_KK,
            _NAME_RU,
            _NAME_EN,
            _c("credits", "int", True, min=1, max=60, doc="Academic credits (1 credit = 30 hours)."),
            _c("assessment", "enum", choices=ASSESSMENTS, default="graded",
               doc="graded (letter grade) or pass_fail."),
            _c("counts_in_gpa", "bool", default="true", doc="false for disciplines kept out of GPA."),
            _c("is_final_attestation", "bool", default="false",
               doc="true when the discipline is the final attestation."),
        ),
        key=("discipline_code",),
    ),
    Entity(
        "curriculum",
        "One row per discipline of a programme's curriculum for one intake year.",
        (
            _c("program_code", req=True, references=("programs", "program_code"), doc="Programme."),
            _c("intake_year", "int", True, min=1990, max=2100, doc="Year of admission the plan is for."),
            _DISCIPLINE,
            _c("semester_no", "int", True, min=1, max=16, doc="Semester of study (1 = first autumn)."),
        ),
        key=("program_code", "intake_year", "discipline_code"),
    ),
    Entity(
        "teachers",
        "One row per teacher.",
        (
            _c("teacher_id", req=True, doc="Teacher id in the AIS."),
            _c("full_name", req=True, doc="Full name."),
            _c("faculty_code", req=True, references=("faculties", "faculty_code"), doc="Faculty."),
            _c("department", doc="Department (кафедра)."),
        ),
        key=("teacher_id",),
    ),
    Entity(
        "students",
        "One row per student ever admitted: today's record in the AIS.",
        (
            _c("student_id", req=True, pattern=STUDENT_ID_PATTERN,
               doc="Student id in the AIS: letters, digits and . _ / - (at most 32)."),
            _c("iin", pattern=r"^[0-9]{12}$", doc="Individual identification number (12 digits)."),
            _c("last_name", req=True, doc="Surname."),
            _c("first_name", req=True, doc="Given name."),
            _c("middle_name", doc="Patronymic."),
            _c("gender", "enum", True, choices=GENDERS, doc="M or F."),
            _c("birth_date", "date", True, doc="Date of birth."),
            _c("citizenship", req=True, pattern=r"^[A-Z]{3}$", doc="ISO 3166 alpha-3, e.g. KAZ."),
            _c("program_code", req=True, references=("programs", "program_code"), doc="Current programme."),
            _code("study_form", "study_forms", True, doc="Form of study."),
            _code("study_language", "study_languages", True, doc="Language of instruction."),
            _code("funding", "fundings", True, doc="Funding of the studies."),
            _c("group_code", doc="Current academic group."),
            _c("advisor_id", references=("teachers", "teacher_id"), doc="Adviser (эдвайзер)."),
            _c("social_benefit", "bool", default="false", doc="Receives a social benefit."),
            _code("status", "contingent_statuses",
                  doc="Current status in the AIS (optional; compared with the replay of orders)."),
            _code("admission_basis", "admission_bases",
                  doc="Basis of admission: after school, after college (shortened programme) or after higher "
                      "education (optional; counted by forms 3-НК and 1-НК, rules B20)."),
        ),
        key=("student_id",),
        checks=(
            RowRule("birth_date after the extract date {extract_date}", "birth_date",
                    "birth_date > {extract_date}"),
            RowRule("birth_date: younger than {student_age_min} years on the extract date {extract_date}"
                    "; var student_age_min", "birth_date",
                    "birth_date <= {extract_date} and birth_date > {extract_date} - to_years({student_age_min})"),
            RowRule("birth_date: older than {student_age_max} years on the extract date {extract_date}"
                    "; var student_age_max", "birth_date",
                    "birth_date <= {extract_date} - to_years({student_age_max} + 1)"),
            RowRule("iin: digits 1-6 are not birth_date as YYMMDD (check the IIN and the birth date in the AIS)",
                    "iin", f"{_IIN_READABLE} and substr(iin, 1, 6) <> strftime(birth_date, '%y%m%d')",
                    _IIN_SHOWN, "warning"),
            RowRule("iin: digit 7 does not give the century of birth_date and the gender (1/2: 1800s, "
                    "3/4: 1900s, 5/6: 2000s; odd M, even F; check the IIN, birth date and gender in the AIS)",
                    "iin", f"{_IIN_READABLE} and substr(iin, 7, 1) <> {_IIN_DIGIT_7}", _IIN_SHOWN, "warning"),
        ),
    ),
    Entity(
        "orders",
        "One row per student named in a rector's order on the contingent.",
        (
            _c("order_no", req=True, doc="Order number."),
            _c("order_date", "date", True, doc="Date the order was signed."),
            _STUDENT,
            _code("movement", "movement_types", True, doc="Kind of movement."),
            _c("effective_date", "date", True, doc="Date the movement takes effect."),
            _c("reason", doc="Reason code (see seed movement_reasons)."),
            _c("program_code", references=("programs", "program_code"), doc="New programme."),
            _code("funding", "fundings", doc="New funding."),
            _c("course", "int", min=1, max=8, doc="New course (year of study)."),
            _code("study_form", "study_forms", doc="New form of study."),
            _code("study_language", "study_languages", doc="New language of instruction."),
            _c("group_code", doc="New academic group."),
            _c("ends_on", "date",
               doc="Planned last day of an academic leave or outgoing mobility (optional column; where "
                   "empty, the start plus var academic_leave_max_months is assumed)."),
        ),
        key=("order_no", "student_id", "movement"),
        checks=(RowRule("ends_on is before effective_date", "ends_on", "ends_on < effective_date"),),
    ),
    Entity(
        "enrollments",
        "One row per student registered for a discipline in a term.",
        (
            _STUDENT,
            _DISCIPLINE,
            _ACADEMIC_YEAR,
            _TERM,
            _c("group_code", doc="Academic group."),
            _c("teacher_id", references=("teachers", "teacher_id"), doc="Teacher."),
        ),
        key=("student_id", "discipline_code", "academic_year", "term"),
    ),
    Entity(
        "grades",
        "One row per attempt of a student at a discipline in a term (grade sheets).",
        (
            _STUDENT,
            _DISCIPLINE,
            _ACADEMIC_YEAR,
            _TERM,
            _c("attempt", "int", True, min=1, max=10, doc="Attempt number, 1 = first sitting."),
            _c("rk1", "decimal", True, doc="Midterm control 1 (0-100).", **_SCORE),
            _c("rk2", "decimal", True, doc="Midterm control 2 (0-100).", **_SCORE),
            _c("exam", "decimal", doc="Exam score (0-100); empty = did not sit.", **_SCORE),
            _c("graded_on", "date", doc="Date of the grade sheet."),
        ),
        key=("student_id", "discipline_code", "academic_year", "term", "attempt"),
    ),
    Entity(
        "recognitions",
        "One row per discipline recognised by a protocol of the recognition commission.",
        (
            _c("protocol_no", req=True, doc="Protocol number."),
            _c("protocol_date", "date", True, doc="Protocol date."),
            _STUDENT,
            _DISCIPLINE,
            _c("academic_year", req=True, doc="Academic year it counts in.", **_YEAR),
            _code("term", "terms", True, doc="Term it counts in."),
            _c("credits", "int", True, min=1, max=60, doc="Credits recognised."),
            _c("final_score", "decimal", True, doc="Recognised final score (0-100).", **_SCORE),
            _c("origin", "enum", choices=RECOGNITION_ORIGINS, doc="Where it was earned."),
            _c("original_grade", doc="Grade as written by the other institution."),
        ),
        key=("protocol_no", "student_id", "discipline_code"),
    ),
    Entity(
        "calendar",
        "One row per academic period.",
        (
            _ACADEMIC_YEAR,
            _TERM,
            _c("starts_on", "date", True, doc="First day of the term."),
            _c("ends_on", "date", True, doc="Last day of the term."),
            _c("exams_start_on", "date", doc="First day of the exam session."),
            _c("exams_end_on", "date", doc="Last day of the exam session."),
        ),
        key=("academic_year", "term"),
        checks=(RowRule("ends_on is not before starts_on", "ends_on", "ends_on < starts_on"),),
    ),
    Entity(
        "diplomas",
        "One row per diploma or diploma supplement handed to a graduate (the diploma register).",
        (
            _STUDENT,
            _BLANK_KIND,
            _SERIES,
            _c("number", req=True, pattern=BLANK_NUMBER_PATTERN,
               doc="Number printed on the blank (digits; leading zeros kept)."),
            _c("issued_on", "date", True, doc="Date the document was issued."),
            _c("honours", "bool", default="false", doc="true for a diploma with honours (с отличием)."),
            _c("duplicate_of", pattern=BLANK_NUMBER_PATTERN,
               doc="For a duplicate: the number of the document it replaces; empty for an original."),
        ),
        key=("student_id", "kind", "series", "number"),
        required=False,
        checks=(RowRule("duplicate_of is not the document's own number (a duplicate replaces another document)",
                        "duplicate_of", "try_cast(duplicate_of as bigint) = try_cast(number as bigint)"),),
    ),
    Entity(
        "blank_movements",
        "One row per movement of a range of strict-accountability blanks (the blank journal): received "
        "by invoice, issued, spoiled or returned by act.",
        (
            _BLANK_KIND,
            _SERIES,
            _c("number_from", req=True, pattern=BLANK_NUMBER_PATTERN, doc="First number of the range."),
            _c("number_to", req=True, pattern=BLANK_NUMBER_PATTERN,
               doc="Last number of the range (the same as number_from for one blank)."),
            _code("movement", "blank_movement_types", True,
                  doc="received, issued, spoiled or returned (seed blank_movement_types)."),
            _c("moved_on", "date", True, doc="Date of the movement."),
            _c("document", doc="Number of the invoice or act of the movement."),
        ),
        key=("kind", "series", "movement", "number_from", "moved_on"),
        required=False,
        checks=(RowRule("number_to is not below number_from", "number_to",
                        "try_cast(number_to as bigint) < try_cast(number_from as bigint)"),),
    ),
)

BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}


def entity(name: str) -> Entity:
    return BY_NAME[name]
