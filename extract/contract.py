"""The extract contract: what each AIS export must hold.

One declaration per file and column. The reader, the validator, the loader, the
documentation (`extract/README.md`) and the tests all read this module, so a rule
is stated once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "int", "decimal", "date", "bool", "enum"]

ACADEMIC_YEAR_PATTERN = r"^[0-9]{4}-[0-9]{4}$"
TERMS = ("1", "2", "summer")
MOVEMENTS = (
    "admission",
    "transfer_in",
    "promotion",
    "repeat_year",
    "program_change",
    "funding_change",
    "academic_leave",
    "return_from_leave",
    "expulsion",
    "readmission",
    "graduation",
    "mobility_out",
    "mobility_return",
    "personal_data_change",
)
STATUSES = ("active", "academic_leave", "mobility_out", "expelled", "graduated")
STUDY_FORMS = ("full_time", "part_time", "distance", "evening")
LANGUAGES = ("kk", "ru", "en")
FUNDINGS = ("state_grant", "paid")


@dataclass(frozen=True)
class Column:
    """One column of an extract and every rule a value of it can break."""

    name: str
    kind: Kind = "text"
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    default: str | None = None
    references: tuple[str, str] | None = None  # (entity, column) that must hold the value


@dataclass(frozen=True)
class Entity:
    """One extract file: its columns, its key and what one row is."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = True
    checks: tuple[tuple[str, str, str], ...] = field(default=())  # (rule, column, SQL true when broken)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, kind: Kind = "text", req: bool = False, doc: str = "", **kw: object) -> Column:
    return Column(name=name, kind=kind, required=req, doc=doc, **kw)  # type: ignore[arg-type]


_YEAR = dict(pattern=ACADEMIC_YEAR_PATTERN)
_SCORE = dict(min=0, max=100)

ENTITIES: tuple[Entity, ...] = (
    Entity(
        "faculties",
        "One row per faculty.",
        (
            _c("faculty_code", req=True, doc="Faculty code in the AIS."),
            _c("name_kk", req=True, doc="Name in Kazakh."),
            _c("name_ru", req=True, doc="Name in Russian."),
            _c("name_en", doc="Name in English."),
        ),
        key=("faculty_code",),
    ),
    Entity(
        "programs",
        "One row per educational programme.",
        (
            _c("program_code", req=True, doc="Programme code, e.g. 6B08101."),
            _c("faculty_code", req=True, references=("faculties", "faculty_code"), doc="Owning faculty."),
            _c("level", "enum", True, choices=("bachelor", "master", "doctorate"), doc="Level of study."),
            _c("name_kk", req=True, doc="Name in Kazakh."),
            _c("name_ru", req=True, doc="Name in Russian."),
            _c("name_en", doc="Name in English."),
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
            _c("name_kk", req=True, doc="Name in Kazakh."),
            _c("name_ru", req=True, doc="Name in Russian."),
            _c("name_en", doc="Name in English."),
            _c("credits", "int", True, min=1, max=60, doc="Academic credits (1 credit = 30 hours)."),
            _c("assessment", "enum", choices=("graded", "pass_fail"), default="graded",
               doc="graded (letter grade) or pass_fail."),
            _c("counts_in_gpa", "bool", default="true", doc="false for disciplines kept out of GPA."),
            _c("is_final_attestation", "bool", default="false", doc="true for final attestation."),
        ),
        key=("discipline_code",),
    ),
    Entity(
        "curriculum",
        "One row per discipline of a programme's curriculum for one intake year.",
        (
            _c("program_code", req=True, references=("programs", "program_code"), doc="Programme."),
            _c("intake_year", "int", True, min=1990, max=2100, doc="Year of admission the plan is for."),
            _c("discipline_code", req=True, references=("disciplines", "discipline_code"), doc="Discipline."),
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
            _c("student_id", req=True, doc="Student id in the AIS."),
            _c("iin", pattern=r"^[0-9]{12}$", doc="Individual identification number (12 digits)."),
            _c("last_name", req=True, doc="Surname."),
            _c("first_name", req=True, doc="Given name."),
            _c("middle_name", doc="Patronymic."),
            _c("gender", "enum", True, choices=("M", "F"), doc="M or F."),
            _c("birth_date", "date", True, doc="Date of birth."),
            _c("citizenship", req=True, pattern=r"^[A-Z]{3}$", doc="ISO 3166 alpha-3, e.g. KAZ."),
            _c("program_code", req=True, references=("programs", "program_code"), doc="Current programme."),
            _c("study_form", "enum", True, choices=STUDY_FORMS, doc="Form of study."),
            _c("study_language", "enum", True, choices=LANGUAGES, doc="Language of instruction."),
            _c("funding", "enum", True, choices=FUNDINGS, doc="state_grant or paid."),
            _c("group_code", doc="Current academic group."),
            _c("advisor_id", references=("teachers", "teacher_id"), doc="Adviser (эдвайзер)."),
            _c("social_benefit", "bool", default="false", doc="Receives a social benefit."),
            _c("status", "enum", choices=STATUSES,
               doc="Current status in the AIS (optional; compared with the replay of orders)."),
        ),
        key=("student_id",),
    ),
    Entity(
        "orders",
        "One row per student named in a rector's order on the contingent.",
        (
            _c("order_no", req=True, doc="Order number."),
            _c("order_date", "date", True, doc="Date the order was signed."),
            _c("student_id", req=True, references=("students", "student_id"), doc="Student."),
            _c("movement", "enum", True, choices=MOVEMENTS, doc="Kind of movement."),
            _c("effective_date", "date", True, doc="Date the movement takes effect."),
            _c("reason", doc="Reason code (see seed movement_reasons)."),
            _c("program_code", references=("programs", "program_code"), doc="New programme."),
            _c("funding", "enum", choices=FUNDINGS, doc="New funding."),
            _c("course", "int", min=1, max=8, doc="New course (year of study)."),
            _c("study_form", "enum", choices=STUDY_FORMS, doc="New form of study."),
            _c("study_language", "enum", choices=LANGUAGES, doc="New language of instruction."),
            _c("group_code", doc="New academic group."),
        ),
        key=("order_no", "student_id", "movement"),
    ),
    Entity(
        "enrollments",
        "One row per student registered for a discipline in a term.",
        (
            _c("student_id", req=True, references=("students", "student_id"), doc="Student."),
            _c("discipline_code", req=True, references=("disciplines", "discipline_code"), doc="Discipline."),
            _c("academic_year", req=True, doc="Academic year, e.g. 2024-2025.", **_YEAR),
            _c("term", "enum", True, choices=TERMS, doc="1, 2 or summer."),
            _c("group_code", doc="Academic group."),
            _c("teacher_id", references=("teachers", "teacher_id"), doc="Teacher."),
        ),
        key=("student_id", "discipline_code", "academic_year", "term"),
    ),
    Entity(
        "grades",
        "One row per attempt of a student at a discipline in a term (grade sheets).",
        (
            _c("student_id", req=True, references=("students", "student_id"), doc="Student."),
            _c("discipline_code", req=True, references=("disciplines", "discipline_code"), doc="Discipline."),
            _c("academic_year", req=True, doc="Academic year, e.g. 2024-2025.", **_YEAR),
            _c("term", "enum", True, choices=TERMS, doc="1, 2 or summer."),
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
            _c("student_id", req=True, references=("students", "student_id"), doc="Student."),
            _c("discipline_code", req=True, references=("disciplines", "discipline_code"), doc="Discipline."),
            _c("academic_year", req=True, doc="Academic year it counts in.", **_YEAR),
            _c("term", "enum", True, choices=TERMS, doc="Term it counts in."),
            _c("credits", "int", True, min=1, max=60, doc="Credits recognised."),
            _c("final_score", "decimal", True, doc="Recognised final score (0-100).", **_SCORE),
            _c("origin", "enum", choices=("mobility", "transfer", "prior_learning"), doc="Where it was earned."),
            _c("original_grade", doc="Grade as written by the other institution."),
        ),
        key=("protocol_no", "student_id", "discipline_code"),
    ),
    Entity(
        "calendar",
        "One row per academic period.",
        (
            _c("academic_year", req=True, doc="Academic year, e.g. 2024-2025.", **_YEAR),
            _c("term", "enum", True, choices=TERMS, doc="1, 2 or summer."),
            _c("starts_on", "date", True, doc="First day of the term."),
            _c("ends_on", "date", True, doc="Last day of the term."),
            _c("exams_start_on", "date", doc="First day of the exam session."),
            _c("exams_end_on", "date", doc="Last day of the exam session."),
        ),
        key=("academic_year", "term"),
        checks=(("ends_on is not before starts_on", "ends_on", "ends_on < starts_on"),),
    ),
)

BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}


def entity(name: str) -> Entity:
    return BY_NAME[name]
