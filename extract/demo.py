"""The demo university: a deterministic synthetic extract of a registrar's AIS.

`write_demo` simulates an agrarian-technical university in Kazakhstan, term by term,
over the last `years` academic years (the last one is 2025-2026) and writes one CSV per
entity of `extract.contract`. It exists so that the warehouse, the dashboards and the
benchmarks have realistic data to run on without any real person in it.

How the simulation keeps the files consistent with each other:
- every change of a student's status, course, programme, funding or group is a
  rector's order, so replaying orders.csv (by effective date, order date, order number)
  gives exactly the status and attributes in students.csv on the extract date;
- grades follow the credit technology (registrar rules A2, B2-B4): admission rating
  from РК1/РК2, exam, FX retakes in the same session, re-study of failures in the
  summer term, promotion on the year's GPA;
- cohorts that started before the window are simulated too, so their admission and
  promotion orders exist, but only the window's enrollments and grades are written.

Determinism: all randomness comes from numpy generators seeded with `seed`; nothing
depends on hash() or set order, so the same arguments give byte-identical files.
Names are random combinations of common first names, surnames and patronymics.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from extract.contract import ENTITIES, FUNDINGS, LANGUAGES, MOVEMENTS, STATUSES, STUDY_FORMS, entity
from policy import dbt_vars, grade_scale

__all__ = ["EXTRACT_DATE", "LAST_ACADEMIC_YEAR", "REASONS", "write_demo"]

LAST_ACADEMIC_YEAR = 2025  # the academic year 2025-2026 is the last one simulated
EXTRACT_DATE = date(2026, 8, 31)  # "today": after the last year's summer term and promotions

# Reason codes used per movement; movements without a reason map to ().
REASONS: dict[str, tuple[str, ...]] = {m: () for m in MOVEMENTS} | {
    "expulsion": ("own_will", "academic_failure", "non_payment", "discipline", "transfer_out", "death",
                  "failed_final_attestation"),
    "academic_leave": ("illness", "military_service", "child_care", "tuberculosis"),
    "mobility_out": ("academic_mobility",),
}

Names3 = tuple[str, str, str]  # (Kazakh, Russian, English)
Rng = np.random.Generator

ACTIVE, ON_LEAVE, ON_MOBILITY, EXPELLED, GRADUATED, NOT_YET = range(6)
assert STATUSES[:5] == ("active", "academic_leave", "mobility_out", "expelled", "graduated")
MV = {m: i for i, m in enumerate(MOVEMENTS)}
REASON_CODES: tuple[str, ...] = tuple(r for rs in REASONS.values() for r in rs)
RS = {r: i for i, r in enumerate(REASON_CODES)}
GRANT, PAID = FUNDINGS.index("state_grant"), FUNDINGS.index("paid")
FULL_TIME = STUDY_FORMS.index("full_time")
KK, RU, EN = (LANGUAGES.index(x) for x in ("kk", "ru", "en"))
BACHELOR, MASTER, DOCTORATE = range(3)
LEVELS = ("bachelor", "master", "doctorate")
ADMISSION, TRANSFER = 0, 1
GROUP_SIZE = 25
MAX_SEMESTER = 10


@dataclass(frozen=True)
class Rules:
    """The rules the simulated registrar applies, as the warehouse reads them (policy)."""

    points: np.ndarray  # GPA points of a passed rounded final score 0..100 (0 where it fails)
    fx_points: float  # points of a failed exam after admission (letter_exam_below_min)
    transfer_gpa: np.ndarray  # GPA needed for promotion, by the course completed (1 = index 0)
    letters: tuple[tuple[int, int, str], ...]  # (min, max percent, letter) of the scale


@cache
def _rules() -> Rules:
    scale, variables = grade_scale(), dbt_vars()
    points = np.zeros(101)
    for s in scale:
        if s.is_passing:
            points[s.min_percent:s.max_percent + 1] = float(s.points)
    thresholds = {int(k): float(v) for k, v in variables["transfer_gpa_thresholds"].items()}
    return Rules(
        points=points,
        fx_points=float(next(s.points for s in scale if s.letter == variables["letter_exam_below_min"])),
        transfer_gpa=np.array([thresholds[c] for c in range(1, max(thresholds) + 1)]),
        letters=tuple((s.min_percent, s.max_percent, s.letter) for s in scale),
    )


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class FacultySpec:
    """A faculty, its departments and the subject topics its programmes are built from."""

    code: str
    name: Names3
    departments: tuple[str, ...]
    topics: tuple[Names3, ...]
    female_share: float


@dataclass(frozen=True)
class ProgrammeSpec:
    """An educational programme; `topics` index the faculty's topics it teaches."""

    code: str
    faculty: int
    level: int
    abbr: str
    prefix: str
    name: Names3
    group: str
    years: int
    weight: float
    topics: tuple[int, ...]
    english: float = 0.0

    @property
    def credits(self) -> int:
        return 60 * self.years


@dataclass(frozen=True)
class Discipline:
    """A discipline row of disciplines.csv."""

    code: str
    name: Names3
    credits: int
    assessment: str = "graded"
    counts_in_gpa: bool = True
    is_final: bool = False


def _n(text: str) -> Names3:
    """A name written as "Kazakh | Russian | English"."""
    kk, ru, en = (part.strip() for part in text.split("|"))
    return kk, ru, en


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.strip().splitlines() if line.strip())


def _names(text: str) -> tuple[Names3, ...]:
    return tuple(_n(line) for line in _lines(text))


FACULTIES: tuple[FacultySpec, ...] = (
    FacultySpec(
        "AGR",
        _n("Агрономия факультеті | Агрономический факультет | Faculty of Agronomy"),
        _lines("""
            Кафедра земледелия и растениеводства
            Кафедра защиты и карантина растений
            Кафедра почвоведения и агрохимии
            Кафедра технологии животноводства
            Кафедра истории Казахстана и философии
        """),
        _names("""
            Ботаника | Ботаника | Botany
            Бейорганикалық және аналитикалық химия | Неорганическая и аналитическая химия | Chemistry
            Топырақтану | Почвоведение | Soil science
            Агрохимия | Агрохимия | Agrochemistry
            Егіншілік | Земледелие | Arable farming
            Өсімдік шаруашылығы | Растениеводство | Crop production
            Өсімдіктер физиологиясы | Физиология растений | Plant physiology
            Селекция және тұқым шаруашылығы | Селекция и семеноводство | Plant breeding and seed production
            Ауыл шаруашылығы энтомологиясы | Сельскохозяйственная энтомология | Agricultural entomology
            Фитопатология | Фитопатология | Phytopathology
            Өсімдіктер карантині | Карантин растений | Plant quarantine
            Мал азығы өндірісі | Кормопроизводство | Forage production
            Жеміс-көкөніс шаруашылығы | Плодоовощеводство | Fruit and vegetable growing
            Агрометеорология | Агрометеорология | Agricultural meteorology
            Мал шаруашылығы технологиясы | Технология животноводства | Livestock production technology
            Малды азықтандыру | Кормление животных | Animal feeding
            Жануарлар генетикасы және селекциясы | Генетика и селекция животных | Animal genetics and breeding
            Дәлме-дәл егіншілік | Точное земледелие | Precision agriculture
        """),
        0.42,
    ),
    FacultySpec(
        "VET",
        _n("Ветеринариялық медицина факультеті | Факультет ветеринарной медицины"
           " | Faculty of Veterinary Medicine"),
        _lines("""
            Кафедра ветеринарной медицины
            Кафедра ветеринарной санитарии
            Кафедра анатомии и физиологии
            Кафедра микробиологии и вирусологии
            Кафедра казахского и русского языков
        """),
        _names("""
            Жануарлар анатомиясы | Анатомия животных | Animal anatomy
            Гистология және эмбриология | Гистология и эмбриология | Histology and embryology
            Жануарлар физиологиясы | Физиология животных | Animal physiology
            Ветеринариялық микробиология | Ветеринарная микробиология | Veterinary microbiology
            Ветеринариялық фармакология | Ветеринарная фармакология | Veterinary pharmacology
            Патологиялық анатомия | Патологическая анатомия | Pathological anatomy
            Ішкі жұқпалы емес аурулар | Внутренние незаразные болезни | Internal non-infectious diseases
            Эпизоотология | Эпизоотология | Epizootiology
            Ветеринариялық хирургия | Ветеринарная хирургия | Veterinary surgery
            Паразитология | Паразитология | Parasitology
            Акушерлік және гинекология | Акушерство и гинекология | Obstetrics and gynaecology
            Ветеринариялық-санитариялық сараптама | Ветеринарно-санитарная экспертиза | Veterinary inspection
            Ветеринариялық вирусология | Ветеринарная вирусология | Veterinary virology
            Клиникалық диагностика | Клиническая диагностика | Clinical diagnostics
            Биохимия | Биохимия | Biochemistry
            Ветеринариялық радиобиология | Ветеринарная радиобиология | Veterinary radiobiology
            Патологиялық физиология | Патологическая физиология | Pathophysiology
            Зоогигиена | Зоогигиена | Animal hygiene
            Ветеринариялық токсикология | Ветеринарная токсикология | Veterinary toxicology
            Оперативтік хирургия | Оперативная хирургия | Operative surgery
            Құс аурулары | Болезни птиц | Poultry diseases
            Ветеринариялық генетика | Ветеринарная генетика | Veterinary genetics
            Зертханалық диагностика | Лабораторная диагностика | Laboratory diagnostics
            Ет және сүт гигиенасы | Гигиена мяса и молока | Meat and milk hygiene
        """),
        0.50,
    ),
    FacultySpec(
        "ENG",
        _n("Инженерия және технологиялар факультеті | Факультет инженерии и технологий"
           " | Faculty of Engineering and Technology"),
        _lines("""
            Кафедра аграрной техники
            Кафедра энергетики
            Кафедра технологии пищевых производств
            Кафедра физики и математики
            Кафедра физической культуры
        """),
        _names("""
            Жоғары математика | Высшая математика | Higher mathematics
            Физика | Физика | Physics
            Инженерлік графика | Инженерная графика | Engineering graphics
            Теориялық механика | Теоретическая механика | Theoretical mechanics
            Материалдар кедергісі | Сопротивление материалов | Strength of materials
            Материалтану | Материаловедение | Materials science
            Тракторлар және автомобильдер | Тракторы и автомобили | Tractors and automobiles
            Ауыл шаруашылығы машиналары | Сельскохозяйственные машины | Agricultural machinery
            Электротехника негіздері | Теоретические основы электротехники | Electrical engineering
            Электр жетегі | Электропривод | Electric drives
            Электрмен жабдықтау | Электроснабжение | Power supply
            Жаңартылатын энергия көздері | Возобновляемые источники энергии | Renewable energy sources
            Тамақ өндірісінің процестері | Процессы и аппараты пищевых производств | Food processing
            Тамақ химиясы | Пищевая химия | Food chemistry
            Тамақ өнімдерінің технологиясы | Технология пищевых продуктов | Food product technology
            Метрология және стандарттау | Метрология, стандартизация и сертификация | Metrology and standards
            Гидравлика | Гидравлика | Hydraulics
        """),
        0.22,
    ),
    FacultySpec(
        "ECO",
        _n("Экономика факультеті | Экономический факультет | Faculty of Economics"),
        _lines("""
            Кафедра экономики
            Кафедра учета и аудита
            Кафедра менеджмента
            Кафедра иностранных языков
        """),
        _names("""
            Экономикалық теория | Экономическая теория | Economic theory
            Экономикалық математика | Экономическая математика | Mathematics for economists
            Микроэкономика | Микроэкономика | Microeconomics
            Макроэкономика | Макроэкономика | Macroeconomics
            Бухгалтерлік есеп | Бухгалтерский учет | Accounting
            Статистика | Статистика | Statistics
            Менеджмент | Менеджмент | Management
            Маркетинг | Маркетинг | Marketing
            Аудит | Аудит | Auditing
            Салықтар және салық салу | Налоги и налогообложение | Taxes and taxation
            АӨК экономикасы | Экономика АПК | Economics of the agro-industrial complex
            Эконометрика | Эконометрика | Econometrics
            Кәсіпорын экономикасы | Экономика предприятия | Business economics
            Ақша, несие, банктер | Деньги, кредит, банки | Money, credit and banking
            Адам ресурстарын басқару | Управление человеческими ресурсами | Human resource management
            Қаржылық есептілік | Финансовая отчетность | Financial reporting
            Қаржы | Финансы | Finance
        """),
        0.65,
    ),
    FacultySpec(
        "IT",
        _n("Ақпараттық технологиялар факультеті | Факультет информационных технологий"
           " | Faculty of Information Technology"),
        _lines("""
            Кафедра информационных систем
            Кафедра вычислительной техники и программного обеспечения
            Кафедра математики
        """),
        _names("""
            Дискретті математика | Дискретная математика | Discrete mathematics
            Алгоритмдер және деректер құрылымы | Алгоритмы и структуры данных | Algorithms and data structures
            Python тілінде бағдарламалау | Программирование на Python | Programming in Python
            Объектіге бағытталған бағдарламалау | Объектно-ориентированное программирование | OOP
            Деректер қоры | Базы данных | Databases
            Компьютерлік желілер | Компьютерные сети | Computer networks
            Операциялық жүйелер | Операционные системы | Operating systems
            Веб-әзірлеу | Веб-разработка | Web development
            Бағдарламалық жасақтама инженериясы | Программная инженерия | Software engineering
            Ақпараттық қауіпсіздік | Информационная безопасность | Information security
            Машиналық оқыту | Машинное обучение | Machine learning
            Ақпараттық жүйелерді жобалау | Проектирование информационных систем | Information systems design
            Ықтималдықтар теориясы | Теория вероятностей | Probability theory
            Компьютер архитектурасы | Архитектура компьютера | Computer architecture
            Мобильді қосымшаларды әзірлеу | Разработка мобильных приложений | Mobile development
            Ауыл шаруашылығындағы ГАЖ | ГИС в сельском хозяйстве | GIS in agriculture
        """),
        0.38,
    ),
)
_F = {f.code: i for i, f in enumerate(FACULTIES)}


def _programme(code: str, faculty: str, level: int, abbr: str, prefix: str, group: str, years: int,
               weight: float, topics: tuple[int, ...], names: str, english: float = 0.0) -> ProgrammeSpec:
    return ProgrammeSpec(code, _F[faculty], level, abbr, prefix, _n(names), group, years, weight, topics,
                         english)


# code, faculty, level, group-code abbreviation, discipline-code prefix, programme group, years, weight of
# its intake, faculty topics it teaches, names.
PROGRAMMES: tuple[ProgrammeSpec, ...] = (
    _programme("6B08101", "AGR", BACHELOR, "АГР", "AGR", "B077", 4, 1.4,
               (2, 3, 4, 5, 6, 7, 11, 12, 13, 17, 9, 8),
               "Агрономия | Агрономия | Agronomy"),
    _programme("6B08102", "AGR", BACHELOR, "ЗКР", "PPQ", "B077", 4, 0.7, (6, 8, 9, 10, 3, 5, 13, 7, 2),
               "Өсімдіктерді қорғау және карантин | Защита и карантин растений"
               " | Plant protection and quarantine"),
    _programme("6B08201", "AGR", BACHELOR, "ТПЖ", "LST", "B078", 4, 0.8, (14, 15, 16, 11, 2, 6, 12, 3),
               "Мал шаруашылығы өнімдерін өндіру технологиясы | Технология производства продуктов"
               " животноводства | Livestock products technology"),
    _programme("7M08101", "AGR", MASTER, "АГРМ", "AGRM", "M077", 2, 1.0, (3, 4, 5, 7, 17, 9),
               "Агрономия | Агрономия | Agronomy"),
    _programme("8D08101", "AGR", DOCTORATE, "АГРД", "AGRD", "D077", 3, 1.0, (3, 7, 17),
               "Агрономия | Агрономия | Agronomy"),
    _programme("6B09101", "VET", BACHELOR, "ВМ", "VM", "B084", 5, 1.5,
               (2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15),
               "Ветеринариялық медицина | Ветеринарная медицина | Veterinary medicine"),
    _programme("6B09102", "VET", BACHELOR, "ВС", "VS", "B085", 5, 0.7, (3, 11, 9, 7, 4, 12, 14, 15, 2),
               "Ветеринариялық санитария | Ветеринарная санитария | Veterinary sanitation"),
    _programme("7M09101", "VET", MASTER, "ВММ", "VMM", "M084", 2, 0.9, (7, 8, 6, 12, 5),
               "Ветеринариялық медицина | Ветеринарная медицина | Veterinary medicine"),
    _programme("8D09101", "VET", DOCTORATE, "ВМД", "VMD", "D084", 3, 1.0, (7, 12, 3),
               "Ветеринариялық медицина | Ветеринарная медицина | Veterinary medicine"),
    _programme("6B07101", "ENG", BACHELOR, "АТТ", "ATT", "B083", 4, 0.9, (2, 3, 4, 5, 6, 7, 16, 15),
               "Аграрлық техника және технология | Аграрная техника и технология"
               " | Agricultural machinery and technology"),
    _programme("6B07102", "ENG", BACHELOR, "ЭЭ", "EPE", "B062", 4, 0.8, (2, 3, 8, 9, 10, 11, 5, 15),
               "Электр энергетикасы | Электроэнергетика | Electric power engineering"),
    _programme("6B07201", "ENG", BACHELOR, "ТПП", "FPT", "B067", 4, 0.7, (12, 13, 14, 15, 5, 16, 2),
               "Тамақ өнімдерінің технологиясы | Технология пищевых продуктов | Food technology"),
    _programme("7M07101", "ENG", MASTER, "АТТМ", "ATTM", "M083", 2, 0.8, (6, 7, 3, 11, 15),
               "Аграрлық техника және технология | Аграрная техника и технология"
               " | Agricultural machinery and technology"),
    _programme("6B04101", "ECO", BACHELOR, "ЭК", "ECN", "B046", 4, 1.1, (2, 3, 5, 10, 11, 12, 13, 16, 8),
               "Экономика | Экономика | Economics", english=0.05),
    _programme("6B04102", "ECO", BACHELOR, "УА", "ACA", "B045", 4, 0.8, (4, 8, 9, 15, 5, 16, 12),
               "Есеп және аудит | Учет и аудит | Accounting and auditing"),
    _programme("6B04103", "ECO", BACHELOR, "МЕН", "MGT", "B044", 4, 0.7, (6, 7, 14, 10, 12, 2, 3),
               "Менеджмент | Менеджмент | Management", english=0.04),
    _programme("7M04101", "ECO", MASTER, "ЭКМ", "ECNM", "M046", 2, 1.1, (3, 11, 10, 13),
               "Экономика | Экономика | Economics", english=0.08),
    _programme("8D04101", "ECO", DOCTORATE, "ЭКД", "ECND", "D046", 3, 0.8, (11, 10, 3),
               "Экономика | Экономика | Economics"),
    _programme("6B06101", "IT", BACHELOR, "ИС", "INS", "B057", 4, 1.1, (2, 3, 4, 5, 6, 7, 11, 15, 12),
               "Ақпараттық жүйелер | Информационные системы | Information systems", english=0.06),
    _programme("6B06102", "IT", BACHELOR, "ВТ", "CSE", "B057", 4, 1.1, (2, 3, 4, 6, 7, 8, 9, 10, 13, 14),
               "Есептеу техникасы және бағдарламалық қамтамасыз ету | Вычислительная техника и программное"
               " обеспечение | Computer engineering and software", english=0.06),
    _programme("7M06101", "IT", MASTER, "ИСМ", "INSM", "M057", 2, 1.0, (10, 11, 8, 4),
               "Ақпараттық жүйелер | Информационные системы | Information systems", english=0.10),
)

# General disciplines: "code credits kind | Kazakh | Russian | English"; kind is graded, pass_fail,
# no_gpa (graded but kept out of GPA) or final (final attestation). Long names continue on the next line.
GENERAL: tuple[tuple[str, Names3, int, str], ...] = tuple(
    (head.split()[0], _n(names), int(head.split()[1]), head.split()[2])
    for head, names in (line.split("|", 1) for line in _lines("""
    HKZ 5 graded | Қазақстанның қазіргі заманғы тарихы | Современная история Казахстана | Kazakhstan's history
    FL1 5 graded | Шетел тілі 1 | Иностранный язык 1 | Foreign language 1
    FL2 5 graded | Шетел тілі 2 | Иностранный язык 2 | Foreign language 2
    KRL1 5 graded | Қазақ (орыс) тілі 1 | Казахский (русский) язык 1 | Kazakh (Russian) language 1
    KRL2 5 graded | Қазақ (орыс) тілі 2 | Казахский (русский) язык 2 | Kazakh (Russian) language 2
    ICT 5 graded | Ақпараттық-коммуникациялық технологиялар | Информационно-коммуникационные технологии | ICT
    PHIL 5 graded | Философия | Философия | Philosophy
    SPK1 4 graded | Әлеуметтану және саясаттану | Социология и политология | Sociology and politics
    SPK2 4 graded | Мәдениеттану және психология | Культурология и психология | Culture and psychology
    PE1 2 no_gpa | Дене шынықтыру 1 | Физическая культура 1 | Physical education 1
    PE2 2 no_gpa | Дене шынықтыру 2 | Физическая культура 2 | Physical education 2
    PE3 2 no_gpa | Дене шынықтыру 3 | Физическая культура 3 | Physical education 3
    PE4 2 no_gpa | Дене шынықтыру 4 | Физическая культура 4 | Physical education 4
    LAC 4 graded | Құқық және сыбайлас жемқорлыққа қарсы мәдениет | Основы антикоррупционной культуры | Law
    ELS 4 graded | Экология және тіршілік қауіпсіздігі | Экология и безопасность жизнедеятельности | Ecology
    ELI 4 graded | Кәсіпкерлік негіздері | Основы предпринимательства и лидерства | Entrepreneurship
    EDPR 2 pass_fail | Оқу практикасы | Учебная практика | Educational practice
    IPR1 4 pass_fail | Өндірістік практика 1 | Производственная практика 1 | Internship 1
    IPR2 6 pass_fail | Өндірістік практика 2 | Производственная практика 2 | Internship 2
    IPR3 6 pass_fail | Өндірістік практика 3 | Производственная практика 3 | Internship 3
    PDPR 6 pass_fail | Диплом алды практикасы | Преддипломная практика | Pre-graduation internship
    FAB 8 final | Дипломдық жұмысты қорғау | Защита дипломной работы | Bachelor's thesis defence
    HPS 4 graded | Ғылым тарихы мен философиясы | История и философия науки | Philosophy of science
    FLP 4 graded | Шетел тілі (кәсіби) | Иностранный язык (профессиональный) | Foreign language for work
    HEP 4 graded | Жоғары мектеп педагогикасы | Педагогика высшей школы | Higher education pedagogy
    MPSY 4 graded | Басқару психологиясы | Психология управления | Management psychology
    TPM 4 pass_fail | Педагогикалық практика | Педагогическая практика | Teaching practice
    RPM 8 pass_fail | Зерттеу практикасы | Исследовательская практика | Research practice
    RWM1 4 pass_fail | Магистранттың ҒЗЖ 1 | НИРМ 1 | Master's research work 1
    RWM2 5 pass_fail | Магистранттың ҒЗЖ 2 | НИРМ 2 | Master's research work 2
    RWM3 6 pass_fail | Магистранттың ҒЗЖ 3 | НИРМ 3 | Master's research work 3
    RWM4 18 pass_fail | Магистранттың ҒЗЖ 4 | НИРМ 4 | Master's research work 4
    FAM 12 final | Магистрлік диссертацияны қорғау | Защита магистерской диссертации | Master's thesis defence
    AWD 5 graded | Академиялық жазылым | Академическое письмо | Academic writing
    RMD 5 graded | Ғылыми зерттеу әдістері | Методы научных исследований | Research methods
    TPD 10 pass_fail | Педагогикалық практика | Педагогическая практика | Teaching practice
    RPD 10 pass_fail | Зерттеу практикасы | Исследовательская практика | Research practice
    RWD1 10 pass_fail | Докторанттың ҒЗЖ 1 | НИРД 1 | Doctoral research work 1
    RWD2 10 pass_fail | Докторанттың ҒЗЖ 2 | НИРД 2 | Doctoral research work 2
    RWD3 20 pass_fail | Докторанттың ҒЗЖ 3 | НИРД 3 | Doctoral research work 3
    RWD4 30 pass_fail | Докторанттың ҒЗЖ 4 | НИРД 4 | Doctoral research work 4
    RWD5 30 pass_fail | Докторанттың ҒЗЖ 5 | НИРД 5 | Doctoral research work 5
    RWD6 18 pass_fail | Докторанттың ҒЗЖ 6 | НИРД 6 | Doctoral research work 6
    FAD 12 final | Докторлық диссертацияны қорғау | Защита докторской диссертации | Dissertation defence
    """))
)
FINAL_ATTESTATION = {BACHELOR: "FAB", MASTER: "FAM", DOCTORATE: "FAD"}
IELTS_DISCIPLINE = "FL1"


def _layout(level: int, years: int) -> dict[int, tuple[str, ...]]:
    """The general (university-wide) disciplines of each semester of a programme."""
    if level == MASTER:
        return {1: ("HPS", "FLP", "HEP", "RWM1"), 2: ("MPSY", "TPM", "RWM2"), 3: ("RPM", "RWM3"),
                4: ("RWM4", "FAM")}
    if level == DOCTORATE:
        return {1: ("AWD", "RMD", "RWD1"), 2: ("TPD", "RWD2"), 3: ("RPD", "RWD3"), 4: ("RWD4",), 5: ("RWD5",),
                6: ("RWD6", "FAD")}
    layout = {1: ("HKZ", "FL1", "KRL1", "PE1"), 2: ("FL2", "KRL2", "ICT", "PE2", "EDPR"),
              3: ("PHIL", "SPK1", "PE3"), 4: ("SPK2", "PE4", "LAC", "IPR1"), 5: ("ELS",), 6: ("ELI", "IPR2")}
    if years == 5:
        layout[8] = ("IPR3",)
    layout[2 * years] = (*layout.get(2 * years, ()), "PDPR", "FAB")
    return layout


@dataclass
class University:
    """The catalogue: programmes, disciplines and one curriculum (plan) per programme."""

    programmes: tuple[ProgrammeSpec, ...]
    disciplines: list[Discipline]
    plans: list[dict[int, list[int]]]  # programme -> semester -> discipline indices
    difficulty: np.ndarray
    plan_start: np.ndarray = field(init=False)  # CSR index of plans by plan_key(programme, semester)
    plan_len: np.ndarray = field(init=False)
    plan_disc: np.ndarray = field(init=False)
    credits: np.ndarray = field(init=False)  # per discipline
    in_gpa: np.ndarray = field(init=False)
    pass_fail: np.ndarray = field(init=False)
    prog_faculty: np.ndarray = field(init=False)  # per programme
    prog_years: np.ndarray = field(init=False)
    prog_level: np.ndarray = field(init=False)
    index: dict[str, int] = field(init=False)  # discipline code -> index

    def __post_init__(self) -> None:
        keys = len(self.programmes) * (MAX_SEMESTER + 1)
        self.plan_start = np.zeros(keys, np.int64)
        self.plan_len = np.zeros(keys, np.int64)
        flat: list[int] = []
        for p, plan in enumerate(self.plans):
            for sem, discs in plan.items():
                self.plan_start[self.plan_key(p, sem)] = len(flat)
                self.plan_len[self.plan_key(p, sem)] = len(discs)
                flat.extend(discs)
        self.plan_disc = np.asarray(flat, np.int32)
        self.credits = np.array([d.credits for d in self.disciplines], np.int32)
        self.in_gpa = np.array([d.counts_in_gpa and d.assessment == "graded" for d in self.disciplines])
        self.pass_fail = np.array([d.assessment == "pass_fail" for d in self.disciplines])
        self.prog_faculty = np.array([p.faculty for p in self.programmes], np.int32)
        self.prog_years = np.array([p.years for p in self.programmes], np.int32)
        self.prog_level = np.array([p.level for p in self.programmes], np.int32)
        self.index = {d.code: i for i, d in enumerate(self.disciplines)}

    @staticmethod
    def plan_key(programme: int | np.ndarray, semester: int | np.ndarray) -> int | np.ndarray:
        return programme * (MAX_SEMESTER + 1) + semester

    def semester(self, programme: int, semester: int) -> list[int]:
        return self.plans[programme].get(semester, [])


def _split_credits(total: int, rng: Rng) -> list[int]:
    """Split a semester's free credits into disciplines of 3-6 credits."""
    parts: list[int] = []
    while total > 8:
        c = int(rng.choice((3, 4, 5, 6), p=(0.1, 0.25, 0.45, 0.2)))
        parts.append(c)
        total -= c
    if 3 <= total <= 6:
        parts.append(total)
    elif total > 6:
        parts += [4, total - 4]
    elif total > 0:
        last = (parts.pop() if parts else 0) + total
        parts += [last] if last <= 6 else [4, last - 4]
    return parts


def build_university(rng: Rng) -> University:
    """The catalogue: general disciplines, faculty base disciplines and each programme's own ones.

    Every semester holds 30 credits: the general disciplines of its layout, then programme
    disciplines of 3-6 credits named after the programme's topics (numbered when a topic recurs).
    """
    disciplines: list[Discipline] = []
    index: dict[str, int] = {}

    def add(d: Discipline) -> int:
        if d.code not in index:
            index[d.code] = len(disciplines)
            disciplines.append(d)
        return index[d.code]

    for code, name, credits, kind in GENERAL:
        add(Discipline(code, name, credits, "pass_fail" if kind == "pass_fail" else "graded",
                       counts_in_gpa=kind != "no_gpa", is_final=kind == "final"))
    plans: list[dict[int, list[int]]] = []
    for prog in PROGRAMMES:
        faculty = FACULTIES[prog.faculty]
        layout = _layout(prog.level, prog.years)
        plan: dict[int, list[int]] = {}
        slots: list[tuple[int, int]] = []  # (semester, credits) of the programme's own disciplines
        for sem in range(1, 2 * prog.years + 1):
            plan[sem] = [index[c] for c in layout.get(sem, ())]
            if prog.level == BACHELOR and sem <= 2:  # a faculty base discipline shared by its bachelors
                plan[sem].append(add(Discipline(f"{faculty.code}B{sem}", faculty.topics[sem - 1], 5)))
            free = 30 - sum(disciplines[d].credits for d in plan[sem])
            slots += [(sem, c) for c in _split_credits(free, rng)]
        for sem, discipline in _programme_disciplines(prog, slots):
            plan[sem].append(add(discipline))
        plans.append(plan)
    difficulty = rng.normal(0.0, 5.0, len(disciplines))  # points off an average student's score
    for i, d in enumerate(disciplines):
        difficulty[i] += 8.0 if d.assessment == "pass_fail" else 4.0 if d.is_final else 0.0
    return University(PROGRAMMES, disciplines, plans, difficulty)


def _programme_disciplines(prog: ProgrammeSpec, slots: list[tuple[int, int]]) -> list[tuple[int, Discipline]]:
    """(semester, discipline) for each free slot, named after the programme's topics, then its faculty's."""
    faculty = FACULTIES[prog.faculty]
    own_first = [*prog.topics, *(t for t in range(2, len(faculty.topics)) if t not in prog.topics)]
    topics = [own_first[k % len(own_first)] for k in range(len(slots))]
    uses = Counter(topics)
    seen: Counter[int] = Counter()
    numbers: Counter[int] = Counter()
    out = []
    for (sem, credits), topic in zip(slots, topics, strict=True):
        seen[topic] += 1
        numbers[sem] += 1
        name = _advanced(faculty.topics[topic], prog.level)
        if uses[topic] > 1:
            name = (f"{name[0]} {seen[topic]}", f"{name[1]} {seen[topic]}", f"{name[2]} {seen[topic]}")
        out.append((sem, Discipline(f"{prog.prefix}{sem:02d}{numbers[sem]:02d}", name, credits)))
    return out


def _advanced(name: Names3, level: int) -> Names3:
    """A topic's name at the programme's level: as is for bachelors, an advanced course for others."""
    if level == BACHELOR:
        return name
    if level == MASTER:
        return (f"{name[0]} (тереңдетілген курс)", f"{name[1]} (углублённый курс)", f"{name[2]} (advanced)")
    return (f"{name[0]} (арнайы курс)", f"{name[1]} (спецкурс)", f"{name[2]} (special course)")


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class NamePool:
    """First names, surnames (male forms) and patronymics (male, female) of one origin."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    patronymics: tuple[tuple[str, str], ...] = ()


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Patronymics written as "male/female" pairs."""
    return tuple((m, f) for m, f in (word.split("/") for word in text.split()))


_KZ_FATHERS = _words("""
    Серік Ерлан Нұрлан Болат Қайрат Марат Бауыржан Асқар Ерік Талғат Мұрат Жанат Дәулет Ғалым Бекжан Қанат
    Нұржан Ержан Амангелді Серғали
""")
_RU_NAMES = NamePool(
    _words("""
        Александр Дмитрий Сергей Андрей Алексей Максим Иван Артём Никита Михаил Евгений Владимир Денис Кирилл
        Роман Павел
    """),
    _words("""
        Анна Елена Ольга Наталья Екатерина Мария Анастасия Ирина Татьяна Юлия Дарья Виктория Ксения Алина
        Полина Светлана
    """),
    _words("""
        Иванов Петров Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев
        Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев
        Борисов Яковлев Григорьев Шевченко Бондаренко Шмидт Миллер Ковальчук
    """),
    _pairs("""
        Александрович/Александровна Сергеевич/Сергеевна Владимирович/Владимировна Андреевич/Андреевна
        Николаевич/Николаевна Викторович/Викторовна Игоревич/Игоревна Юрьевич/Юрьевна Олегович/Олеговна
        Петрович/Петровна Михайлович/Михайловна Дмитриевич/Дмитриевна Анатольевич/Анатольевна
        Валерьевич/Валерьевна
    """),
)
NAME_POOLS: dict[str, NamePool] = {
    "kazakh": NamePool(
        _words("""
            Ерлан Серік Нұрлан Асхат Дәурен Бауыржан Арман Ержан Қайрат Мұрат Ақжол Айдос Алихан Нұрсұлтан
            Ерасыл Дархан Әлібек Санжар Темірлан Бекзат Жандос Мирас Диас Ислам Рауан Ернұр Нұрислам Абылай
            Ақылбек Данияр
        """),
        _words("""
            Айгерім Әсел Жанар Гүлнар Динара Мадина Аружан Айдана Ақбота Назерке Жансая Аяулым Томирис Дана
            Інжу Балжан Сабина Камила Мөлдір Гүлназ Салтанат Жұлдыз Ақмарал Дильназ Аида Әйгерім Анел Асем
        """),
        _words("""
            Ахметов Жұмабаев Нұрланов Омаров Қасымов Сәрсенбаев Төлеуов Әбенов Бекмұханов Есенов Исаев
            Жақсылықов Мұхамеджанов Тоқтаров Байжанов Оспанов Қуанышев Әбдірахманов Сұлтанов Мамыров Рахимов
            Кенжебаев Темірбеков Әлиев Бейсенов Ермеков Сағынтаев Шәріпов Әуезов Серікбаев Нұрпейісов Смағұлов
            Ибраев Мусин Жаксыбеков Садыков Калиев Утегенов
        """),
        # Kazakh-style patronymics (Серікұлы / Серікқызы) and Russian-style ones (Серикович / Сериковна)
        tuple((f"{f}ұлы", f"{f}қызы") for f in _KZ_FATHERS)
        + _pairs("""
            Серикович/Сериковна Ерланович/Ерлановна Нурланович/Нурлановна Болатович/Болатовна
            Кайратович/Кайратовна Маратович/Маратовна Бауыржанович/Бауыржановна Аскарович/Аскаровна
            Ерикович/Ериковна Талгатович/Талгатовна Муратович/Муратовна Канатович/Канатовна
            Амангельдиевич/Амангельдиевна Сергалиевич/Сергалиевна
        """),
    ),
    "russian": _RU_NAMES,
    "RUS": _RU_NAMES,
    "UZB": NamePool(
        _words("Бахтиёр Шерзод Жасур Улугбек Азиз Сардор Отабек"),
        _words("Дилноза Нилуфар Гулноза Малика Шахноза Зарина"),
        _words("Каримов Юсупов Рахимов Турсунов Абдуллаев Исмоилов Норматов"),
        _pairs("Рустамович/Рустамовна Бахтиёрович/Бахтиёровна Акмалович/Акмаловна Фарходович/Фарходовна"),
    ),
    "KGZ": NamePool(
        _words("Эрлан Нурбек Алмазбек Бакыт Темирлан Айбек"),
        _words("Айпери Айжан Нургуль Бермет Жылдыз Айгуль"),
        _words("Абдыкадыров Токтогулов Сыдыков Жумабеков Осмонов Мамбетов"),
        _pairs("Алмазбекович/Алмазбековна Нурланович/Нурлановна Бакытович/Бакытовна"),
    ),
    "TKM": NamePool(
        _words("Берды Мерген Довлет Сердар Мекан"),
        _words("Огулджан Айна Гульшат Махри"),
        _words("Бердыев Атаев Гельдиев Мамедов Ораздурдыев"),
        _pairs("Батырович/Батыровна Мурадович/Мурадовна"),
    ),
    # no patronymic: Chinese and Mongolian names
    "CHN": NamePool(_words("Вэй Лэй Хао Бо Цзюнь Тао"), _words("Цзин Юй Мэй Лин Сяо Янь"),
                    _words("Ван Ли Чжан Лю Чэнь Ян Чжао Хуан")),
    "MNG": NamePool(_words("Тэмуулэн Батзориг Ганзориг Эрдэнэ Мөнх-Очир"),
                    _words("Сарангэрэл Оюунчимэг Номин Ану Хулан"),
                    _words("Батбаяр Ганболд Энхтайван Мөнхбат Бат-Эрдэнэ")),
}
CITIZENSHIPS = ("KAZ", "UZB", "KGZ", "RUS", "CHN", "TKM", "MNG")
CITIZENSHIP_SHARES = (0.95, 0.018, 0.008, 0.008, 0.006, 0.005, 0.005)


def _surname(male_form: str, female: bool) -> str:
    if female and male_form.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male_form + "а"
    return male_form


def _person(pool: NamePool, female: bool, rng: Rng) -> tuple[str, str, str]:
    """(surname, first name, patronymic) drawn from a pool, in the right gender."""
    first = pool.female if female else pool.male
    last = _surname(pool.surnames[int(rng.integers(len(pool.surnames)))], female)
    given = first[int(rng.integers(len(first)))]
    middle = ""
    if pool.patronymics:
        middle = pool.patronymics[int(rng.integers(len(pool.patronymics)))][1 if female else 0]
    return last, given, middle


def _iin(birth: date, female: bool, serial: int) -> str | None:
    """A 12-digit IIN: birth date, century-and-gender digit, serial and check digit (None if invalid)."""
    century = (3 if birth.year < 2000 else 5) + int(female)
    digits = [int(c) for c in f"{birth:%y%m%d}{century}{serial:04d}"]
    check = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
        if check == 10:
            return None
    return "".join(map(str, digits)) + str(check)


@dataclass
class Teachers:
    """Teachers by faculty, and which teachers teach each discipline in each faculty."""

    ids: list[str]
    rows: list[tuple[str, str, str, str]]
    by_faculty: list[np.ndarray]
    pool: np.ndarray  # faculty x discipline x 3 -> teacher index
    pool_size: np.ndarray  # faculty x discipline
    leniency: np.ndarray
    half_points: np.ndarray  # teachers who grade in 0.5 steps


def build_teachers(count: int, faculty_weights: np.ndarray, n_disciplines: int, rng: Rng) -> Teachers:
    """`count` teachers spread over the faculties (at least 6 each) with discipline pools."""
    per_faculty = np.maximum(6, np.floor(faculty_weights / faculty_weights.sum() * count)).astype(int)
    per_faculty[int(np.argmax(faculty_weights))] += max(0, count - int(per_faculty.sum()))
    ids: list[str] = []
    rows: list[tuple[str, str, str, str]] = []
    by_faculty: list[np.ndarray] = []
    for f, n in enumerate(per_faculty):
        faculty = FACULTIES[f]
        start = len(ids)
        for _ in range(n):
            female = bool(rng.random() < 0.55)
            pool = NAME_POOLS["kazakh" if rng.random() < 0.7 else "russian"]
            last, first, middle = _person(pool, female, rng)
            tid = f"T{len(ids) + 1:04d}"
            ids.append(tid)
            department = faculty.departments[int(rng.integers(len(faculty.departments)))]
            rows.append((tid, f"{last} {first} {middle}".strip(), faculty.code, department))
        by_faculty.append(np.arange(start, len(ids), dtype=np.int32))
    pool = np.zeros((len(FACULTIES), n_disciplines, 3), np.int32)
    pool_size = np.zeros((len(FACULTIES), n_disciplines), np.int32)
    for f, members in enumerate(by_faculty):
        size = rng.integers(1, 4, n_disciplines)
        size = np.minimum(size, len(members))
        for d in range(n_disciplines):
            chosen = rng.choice(members, size=size[d], replace=False)
            pool[f, d, : size[d]] = chosen
        pool_size[f] = size
    return Teachers(ids, rows, by_faculty, pool, pool_size, rng.normal(0.0, 3.0, len(ids)),
                    rng.random(len(ids)) < 0.3)


class Groups:
    """Academic groups: code like АГР-22-1 per programme and intake year, with an adviser."""

    def __init__(self, teachers: Teachers, rng: Rng) -> None:
        self.codes: list[str] = []
        self.advisor: list[int] = []
        self._teachers = teachers
        self._rng = rng
        self._by_language: dict[tuple[int, int, int], list[int]] = {}
        self._by_cohort: dict[tuple[int, int], list[int]] = {}

    def new(self, programme: int, intake: int, language: int) -> int:
        cohort = self._by_cohort.setdefault((programme, intake), [])
        gid = len(self.codes)
        self.codes.append(f"{PROGRAMMES[programme].abbr}-{intake % 100:02d}-{len(cohort) + 1}")
        members = self._teachers.by_faculty[PROGRAMMES[programme].faculty]
        self.advisor.append(int(members[int(self._rng.integers(len(members)))]))
        cohort.append(gid)
        self._by_language.setdefault((programme, intake, language), []).append(gid)
        return gid

    def find(self, programme: int, intake: int, language: int) -> int:
        """A group of that cohort, of the same language when there is one; a new group otherwise."""
        same = self._by_language.get((programme, intake, language))
        if same:
            return same[0]
        cohort = self._by_cohort.get((programme, intake))
        return cohort[0] if cohort else self.new(programme, intake, language)


# --------------------------------------------------------------------------- population


@dataclass
class Population:
    """Everyone ever admitted, in student-id order, with what is fixed on arrival."""

    sid: list[str]
    arrival_year: np.ndarray
    kind: np.ndarray  # ADMISSION or TRANSFER
    course0: np.ndarray  # course on arrival
    intake: np.ndarray  # year the student's cohort was admitted
    programme: np.ndarray
    group: np.ndarray  # first group; -1 for transfer students until they arrive
    female: np.ndarray
    language: np.ndarray
    form: np.ndarray
    funding: np.ndarray
    ability: np.ndarray  # points above or below an average student's expected score
    social: np.ndarray
    citizenship: list[str]
    names: list[tuple[str, str, str]]
    birth: list[date]
    iin: list[str]

    @property
    def size(self) -> int:
        return len(self.sid)


def _allocate(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to weights that sum to total (largest remainders)."""
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), np.int64)
    raw = weights / weights.sum() * total
    base = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: total - int(base.sum())]] += 1
    return base


def plan_cohorts(students: int, first_year: int) -> list[tuple[int, int, int]]:
    """(programme, intake year, size) of every cohort that studies in the window.

    80% bachelors, 15% masters, 5% doctoral students; intakes grow 3% a year.
    """
    cells: list[tuple[int, int, float]] = []
    for p, prog in enumerate(PROGRAMMES):
        for y in range(first_year - prog.years + 1, LAST_ACADEMIC_YEAR + 1):
            cells.append((p, y, prog.weight * 1.03 ** (y - first_year)))
    level_totals = _allocate(np.array([0.80, 0.15, 0.05]), students)
    sizes = np.zeros(len(cells), np.int64)
    for level in range(3):
        idx = [i for i, (p, _, _) in enumerate(cells) if PROGRAMMES[p].level == level]
        sizes[idx] = _allocate(np.array([cells[i][2] for i in idx]), int(level_totals[level]))
    return [(p, y, int(n)) for (p, y, _), n in zip(cells, sizes, strict=True)]


def _arrivals(cohorts: list[tuple[int, int, int]], first_year: int, rng: Rng) -> dict[str, np.ndarray]:
    """Programme, intake, arrival year and course of each student; 1.5% of bachelors transfer in later."""
    columns: dict[str, list[np.ndarray]] = {k: [] for k in ("programme", "intake", "course0", "arrival")}
    for p, y, n in cohorts:
        prog = PROGRAMMES[p]
        course = np.ones(n, np.int64)
        if prog.level == BACHELOR and first_year <= y + 1 <= LAST_ACADEMIC_YEAR:
            transfers = int(rng.binomial(n, 0.015))
            third_course = (y + 2 <= LAST_ACADEMIC_YEAR) & (rng.random(transfers) < 0.35)
            course[n - transfers:] = np.where(third_course, 3, 2)
        columns["programme"].append(np.full(n, p))
        columns["intake"].append(np.full(n, y))
        columns["course0"].append(course)
        columns["arrival"].append(y + course - 1)
    out = {k: np.concatenate(v).astype(np.int32) for k, v in columns.items()}
    out["kind"] = np.where(out["course0"] > 1, TRANSFER, ADMISSION).astype(np.int32)
    return out


def _study_terms(level: np.ndarray, programme: np.ndarray, kind: np.ndarray, foreign: np.ndarray,
                 russian: np.ndarray, rng: Rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Language (kk ~65%, ru ~33%, en ~2%), form of study and funding (~60% state grant) of each student."""
    n = len(level)
    english = np.array([p.english for p in PROGRAMMES])[programme]
    kazakh = np.where(foreign, 0.35, np.where(russian, 0.03, 0.86))
    language = np.where(rng.random(n) < english, EN, np.where(rng.random(n) < kazakh, KK, RU))
    form = np.zeros(n, np.int64)
    shares = {BACHELOR: (0.90, 0.03, 0.04, 0.03), MASTER: (0.88, 0.12, 0.0, 0.0), DOCTORATE: (1.0, 0, 0, 0)}
    for lv, p in shares.items():
        form[level == lv] = rng.choice(len(STUDY_FORMS), size=int((level == lv).sum()), p=p)
    grant = np.where(foreign, 0.15, np.array([0.70, 0.80, 0.92])[level])
    grant = np.where(kind == TRANSFER, 0.2, grant)
    grant = np.where(form == FULL_TIME, grant, 0.0)  # grants are for full-time study only
    funding = np.where(rng.random(n) < grant, GRANT, PAID)
    return language.astype(np.int32), form.astype(np.int32), funding.astype(np.int32)


def _form_groups(cohorts: list[tuple[int, int, int]], a: dict[str, np.ndarray], order_key: np.ndarray,
                 groups: Groups) -> np.ndarray:
    """Groups of up to 25 admitted students per programme, intake and language of study."""
    group = np.full(len(order_key), -1, np.int32)
    for p, y, _ in cohorts:
        members = np.flatnonzero((a["programme"] == p) & (a["intake"] == y) & (a["kind"] == ADMISSION))
        members = members[np.lexsort((order_key[members], a["form"][members], a["language"][members]))]
        for lang in np.unique(a["language"][members]):
            same = members[a["language"][members] == lang]
            k = -(-len(same) // GROUP_SIZE)
            ids = np.array([groups.new(p, y, int(lang)) for _ in range(k)], np.int32)
            group[same] = ids[np.arange(len(same)) * k // len(same)]
    return group


def _birth_dates(level: np.ndarray, intake: np.ndarray, rng: Rng) -> np.ndarray:
    """Birth dates (ordinals): bachelors about 17-18 on admission, masters 22-25, doctoral students 25-32."""
    n = len(level)
    bachelor, master = 17.3 + rng.gamma(2.0, 0.25, n), 21.5 + rng.gamma(2.0, 0.8, n)
    age = np.select([level == BACHELOR, level == MASTER], [bachelor, master], 24.0 + rng.gamma(2.0, 2.0, n))
    age += np.where((level == BACHELOR) & (rng.random(n) < 0.05), rng.uniform(1, 6, n), 0.0)
    september = np.array([date(int(y), 9, 1).toordinal() for y in intake])
    return september - np.floor(age * 365.25).astype(np.int64)


def _unique_iin(birth: date, female: bool, serial: int, used: set[str]) -> str:
    """A valid IIN not given to anyone else (serials tried in a fixed order)."""
    for _ in range(10000):
        code = _iin(birth, female, serial)
        if code and code not in used:
            used.add(code)
            return code
        serial = (serial + 7919) % 10000
    raise RuntimeError(f"no free IIN for {birth}")


def build_population(cohorts: list[tuple[int, int, int]], first_year: int, groups: Groups,
                     rng: Rng) -> Population:
    """Draw every student's personal data, funding, form and language of study and first group."""
    a = _arrivals(cohorts, first_year, rng)
    n = len(a["programme"])
    level = np.array([p.level for p in PROGRAMMES])[a["programme"]]
    faculty = np.array([p.faculty for p in PROGRAMMES])[a["programme"]]
    a["female"] = rng.random(n) < np.array([f.female_share for f in FACULTIES])[faculty]
    a["citizenship"] = rng.choice(len(CITIZENSHIPS), size=n, p=CITIZENSHIP_SHARES)
    foreign = a["citizenship"] > 0
    a["russian"] = ~foreign & (rng.random(n) < 0.2)
    a["language"], a["form"], a["funding"] = _study_terms(level, a["programme"], a["kind"], foreign,
                                                          a["russian"], rng)
    at_risk = rng.random(n) < 0.06  # students who will struggle whatever they study
    a["ability"] = np.where(at_risk, rng.normal(-20.0, 6.0, n), rng.normal(0.0, 11.0, n))
    a["ability"] += np.where(a["funding"] == GRANT, 3.0, 0.0) + np.array([0.0, 4.0, 7.0])[level]
    a["social"] = rng.random(n) < 0.07
    order_key = rng.random(n)
    a["group"] = _form_groups(cohorts, a, order_key, groups)
    a["birth"] = _birth_dates(level, a["intake"], rng)
    a["serial"] = rng.integers(0, 10000, n)
    a["has_iin"] = ~foreign | (rng.random(n) < 0.6)  # many foreign students have a residence IIN

    order = np.lexsort((order_key, a["group"], a["programme"], a["kind"], a["arrival"]))
    a = {k: v[order] for k, v in a.items()}
    sid, names, birth, iin = [], [], [], []
    seq: dict[int, int] = {}
    used: set[str] = set()
    for i in range(n):
        year = int(a["arrival"][i])
        seq[year] = seq.get(year, 0) + 1
        sid.append(f"{year % 100:02d}{seq[year]:06d}")
        country = CITIZENSHIPS[int(a["citizenship"][i])]
        origin = country if country != "KAZ" else "russian" if a["russian"][i] else "kazakh"
        female = bool(a["female"][i])
        names.append(_person(NAME_POOLS[origin], female, rng))
        birth.append(date.fromordinal(int(a["birth"][i])))
        iin.append(_unique_iin(birth[-1], female, int(a["serial"][i]), used) if a["has_iin"][i] else "")
    return Population(sid, a["arrival"], a["kind"], a["course0"], a["intake"], a["programme"], a["group"],
                      a["female"], a["language"], a["form"], a["funding"], a["ability"], a["social"],
                      [CITIZENSHIPS[int(c)] for c in a["citizenship"]], names, birth, iin)


# --------------------------------------------------------------------------- calendar and dates


def _d(y: int, m: int, d: int) -> int:
    return date(y, m, d).toordinal()


def _workday(ordinal: int) -> int:
    """The day itself, or the Friday before when it falls on a weekend (orders are signed on workdays)."""
    return ordinal - max(0, date.fromordinal(ordinal).weekday() - 4)


@dataclass(frozen=True)
class Term:
    """One academic period with its exam session (calendar.csv row)."""

    year: int
    label: str
    starts: int
    ends: int
    exams_start: int
    exams_end: int

    @property
    def academic_year(self) -> str:
        return f"{self.year}-{self.year + 1}"


def academic_terms(y: int) -> tuple[Term, Term, Term]:
    """Autumn term, spring term and the 6-week summer term of academic year y-(y+1)."""
    return (
        Term(y, "1", _d(y, 9, 1), _d(y + 1, 1, 10), _d(y, 12, 16), _d(y + 1, 1, 10)),
        Term(y, "2", _d(y + 1, 1, 20), _d(y + 1, 6, 7), _d(y + 1, 5, 19), _d(y + 1, 6, 7)),
        Term(y, "summer", _d(y + 1, 6, 15), _d(y + 1, 7, 26), _d(y + 1, 7, 13), _d(y + 1, 7, 26)),
    )


# --------------------------------------------------------------------------- grade sheets


@dataclass
class Sheet:
    """First attempts of one exam session, the FX retakes, and each discipline's outcome."""

    rk1: np.ndarray  # tenths of a point
    rk2: np.ndarray
    exam: np.ndarray  # tenths; -1 = did not sit (not admitted or no-show)
    day: np.ndarray
    retake: np.ndarray  # bool: attempt 2 exists
    exam2: np.ndarray
    day2: np.ndarray
    passed: np.ndarray
    points: np.ndarray


def _tenths(x: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Scores clipped to 0-100, rounded to the teacher's step, as integer tenths."""
    x = np.clip(x, 0.0, 100.0)
    return np.rint(np.rint(x / step) * step * 10).astype(np.int32)


def _failing_exam(x: np.ndarray, rng: Rng, step: np.ndarray) -> np.ndarray:
    """Exam scores below 25 become 25-49: a sat exam below 50 is FX either way (rules A1, B4)."""
    low = x < 250
    return np.where(low, _tenths(rng.uniform(25.0, 49.0, len(x)), step), x)


def _outcome(rk1: np.ndarray, rk2: np.ndarray, exam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(passed, GPA points) by rules B2-B4: rating < 50 or no exam -> F, exam < 50 -> FX."""
    final = (3 * (rk1 + rk2) + 4 * np.maximum(exam, 0) + 50) // 100  # 0.6*rating + 0.4*exam, half up
    admitted = rk1 + rk2 >= 1000
    passed = admitted & (exam >= 500)
    rules = _rules()
    points = np.where(passed, rules.points[np.clip(final, 0, 100)],
                      np.where(admitted & (exam >= 0), rules.fx_points, 0.0))
    return passed, points


RK_SPREAD, EXAM_SPREAD = 5.0, 11.0  # points of chance in one control or exam
MISSED_CONTROLS = 0.055  # share of sheets where the student skipped most classes
NO_SHOWS = 0.02  # share of admitted students who do not come to the exam


def sit_exams(mu: np.ndarray, pass_fail: np.ndarray, step: np.ndarray, day: np.ndarray, rng: Rng,
              risk: np.ndarray | float = 1.0) -> Sheet:
    """Scores of one session: РК1, РК2, exam (with no-shows), and FX retakes mostly passed.

    `risk` scales the chances of skipping classes and of not coming to the exam.
    """
    n = len(mu)
    missed = np.where(rng.random(n) < MISSED_CONTROLS * risk, rng.normal(32.0, 8.0, n), 0.0)
    rk1 = _tenths(rng.normal(mu + 1.0 - missed, RK_SPREAD), step)
    rk2 = _tenths(rng.normal(mu + 3.0 - missed, RK_SPREAD), step)
    exam = _tenths(rng.normal(mu - 1.0, EXAM_SPREAD), step)
    practice = np.maximum(_tenths(rng.normal(mu, 8.0), step), 500)
    exam = np.where(pass_fail & (exam < 500), practice, _failing_exam(exam, rng, step))
    admitted = rk1 + rk2 >= 1000
    no_show = admitted & (rng.random(n) < NO_SHOWS * risk)
    exam = np.where(admitted & ~no_show, exam, -1)
    retake = (exam >= 0) & (exam < 500) & (rng.random(n) < 0.9)
    exam2 = _failing_exam(_tenths(rng.normal(mu + 10.0, 10.0), step), rng, step)
    day2 = day + rng.integers(5, 10, n)
    passed, points = _outcome(rk1, rk2, np.where(retake, exam2, exam))
    return Sheet(rk1, rk2, exam, day, retake, exam2, day2, passed, points)


def _letter(score: int) -> str:
    return next(letter for lowest, highest, letter in _rules().letters if lowest <= score <= highest)


def _traditional(score: int) -> str:
    if score >= 90:
        return "5 (отлично)"
    if score >= 70:
        return "4 (хорошо)"
    return "3 (удовлетворительно)"


def _ects(score: int) -> str:
    return "A" if score >= 90 else "B" if score >= 80 else "C" if score >= 70 else "D" if score >= 60 else "E"


# --------------------------------------------------------------------------- output


def _header(e_name: str) -> bytes:
    return (",".join(entity(e_name).column_names) + "\n").encode()


def _write_rows(path: Path, e_name: str, rows: Iterable[Sequence[object]]) -> int:
    """A small file through the csv module (quotes only where a value needs it)."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(entity(e_name).column_names)
        for row in rows:
            writer.writerow(["true" if v is True else "false" if v is False else "" if v is None else v
                             for v in row])
            count += 1
    return count


class ArrowSink:
    """A large CSV file written batch by batch with pyarrow (values never need quoting)."""

    def __init__(self, path: Path, e_name: str) -> None:
        self.e_name = e_name
        self.names = entity(e_name).column_names
        self.fh: BinaryIO = path.open("wb")
        self.fh.write(_header(e_name))
        self.rows = 0

    def write(self, columns: dict[str, pa.Array]) -> None:
        assert tuple(columns) == self.names, (self.e_name, tuple(columns))
        table = pa.table(columns)
        if table.num_rows:
            pacsv.write_csv(table, self.fh, pacsv.WriteOptions(include_header=False, quoting_style="none"))
            self.rows += table.num_rows

    def close(self) -> int:
        self.fh.close()
        return self.rows


def _take(values: pa.Array, idx: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """values[idx] as an arrow array; null where `missing`."""
    return pc.take(values, pa.array(idx.astype(np.int32), mask=missing))


def _repeat(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value), n)


def _score(tenths: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(tenths / 10.0, mask=missing)


# --------------------------------------------------------------------------- orders


@dataclass
class Batch:
    """One rector's order: its dates, movement and the students it names."""

    movement: int
    order_date: int
    effective: int
    students: np.ndarray
    columns: dict[str, np.ndarray]  # reason/programme/funding/course/form/language/group, -1 = empty


ORDER_VALUE_COLUMNS = ("reason", "program_code", "funding", "course", "study_form", "study_language",
                       "group_code")


class OrderBook:
    """Orders collected during the simulation, numbered by signing date at the end."""

    def __init__(self) -> None:
        self.batches: list[Batch] = []

    def add(self, movement: str, order_date: int, effective: int, students: np.ndarray,
            **values: np.ndarray | int) -> None:
        students = np.asarray(students, np.int64)
        if not len(students):
            return
        cols = {}
        for name, v in values.items():
            assert name in ORDER_VALUE_COLUMNS, name
            cols[name] = np.broadcast_to(np.asarray(v, np.int64), students.shape).copy()
        assert order_date <= EXTRACT_DATE.toordinal() and effective <= EXTRACT_DATE.toordinal()
        self.batches.append(Batch(MV[movement], order_date, effective, students, cols))

    def write(self, sink: ArrowSink, sid: pa.Array, dates: pa.Array, date_base: int,
              groups: list[str]) -> None:
        """All orders numbered 1-С, 2-С, ... in signing order; rows by order number and student."""
        order = sorted(range(len(self.batches)), key=lambda i: (self.batches[i].order_date, i))
        batches = [self.batches[i] for i in order]
        sizes = np.array([len(b.students) for b in batches])
        which = np.repeat(np.arange(len(batches)), sizes)
        students = np.concatenate([b.students for b in batches])
        numbers = pa.array([f"{k + 1}-С" for k in range(len(batches))])
        per_batch = np.array([[b.movement, b.order_date, b.effective] for b in batches], np.int64)[which]
        values = {c: np.concatenate([b.columns.get(c, np.full(len(b.students), -1)) for b in batches])
                  for c in ORDER_VALUE_COLUMNS}
        rows = np.lexsort((students, which))
        students, which, per_batch = students[rows], which[rows], per_batch[rows]
        values = {c: v[rows] for c, v in values.items()}
        lookups = {"reason": REASON_CODES, "program_code": [p.code for p in PROGRAMMES], "funding": FUNDINGS,
                   "study_form": STUDY_FORMS, "study_language": LANGUAGES, "group_code": groups}
        out: dict[str, pa.Array] = {
            "order_no": _take(numbers, which),
            "order_date": _take(dates, per_batch[:, 1] - date_base),
            "student_id": _take(sid, students),
            "movement": _take(pa.array(MOVEMENTS), per_batch[:, 0]),
            "effective_date": _take(dates, per_batch[:, 2] - date_base),
        }
        for c in ORDER_VALUE_COLUMNS:
            v = values[c]
            if c == "course":
                out[c] = pa.array(v, mask=v < 0)
            else:
                out[c] = _take(pa.array(lookups[c]), np.maximum(v, 0), v < 0)
        sink.write({name: out[name] for name in sink.names})


@dataclass
class Recognition:
    """One protocol of the recognition commission for one student."""

    protocol_date: int
    student: int
    year: int
    term: str
    origin: str
    disciplines: list[int]
    credits: list[int]
    scores: list[int]
    grades: list[str]


# --------------------------------------------------------------------------- simulation


class Simulation:
    """Term-by-term life of the student body: the registrar's orders and the exam sessions.

    State is one numpy array per attribute (indexed by student), so a term of 100,000
    students is a handful of vector operations; only rare events loop in Python.
    """

    def __init__(self, uni: University, pop: Population, teachers: Teachers, groups: Groups, first_year: int,
                 out_dir: Path, rng: Rng, progress: Callable[[str], None]) -> None:
        self.uni, self.pop, self.teachers, self.groups = uni, pop, teachers, groups
        self.first_year = first_year
        self.rng = rng
        self.progress = progress
        n = pop.size
        self.status = np.full(n, NOT_YET, np.int8)
        self.programme = pop.programme.copy()
        self.course = np.zeros(n, np.int32)
        self.funding = pop.funding.copy()
        self.form = pop.form.copy()
        self.language = pop.language.copy()
        self.group = pop.group.copy()
        self.done = np.zeros(n, np.int32)  # last plan semester sat or recognised
        self.leave_until = np.full(n, -1, np.int32)  # 2 * year + term index of the planned return
        self.leave_for_good = np.zeros(n, bool)  # will not come back from the leave
        self.mobility_term = np.zeros(n, np.int8)
        self.expelled_year = np.full(n, -1, np.int32)
        self.expelled_reason = np.full(n, -1, np.int32)
        self.last_gpa = np.full(n, np.nan)
        self.busy = np.zeros(n, bool)  # already named in an order of this term's opening
        self.debts: dict[int, dict[int, int]] = {}  # student -> discipline -> plan semester
        self.exempt: set[int] = set()  # student * D + discipline, recognised before it was taught
        self.results: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # this year's
        self.orders = OrderBook()
        self.recognitions: list[Recognition] = []
        self.flaw_counter = {"mobility": 0, "transfer": 0}
        self.date_base = _d(first_year - 6, 1, 1)
        days = range(self.date_base, EXTRACT_DATE.toordinal() + 366)
        self.dates = pa.array([date.fromordinal(o).isoformat() for o in days])
        self.sid = pa.array(pop.sid)
        self.dcode = pa.array([d.code for d in uni.disciplines])
        self.tid = pa.array(teachers.ids)
        self.enrollments = ArrowSink(out_dir / "enrollments.csv", "enrollments")
        self.grades = ArrowSink(out_dir / "grades.csv", "grades")

    # ---- helpers

    @property
    def n_disc(self) -> int:
        return len(self.uni.disciplines)

    def duration(self, students: np.ndarray) -> np.ndarray:
        return self.uni.prog_years[self.programme[students]]

    def level(self, students: np.ndarray) -> np.ndarray:
        return self.uni.prog_level[self.programme[students]]

    def faculty(self, students: np.ndarray) -> np.ndarray:
        return self.uni.prog_faculty[self.programme[students]]

    def pick(self, candidates: np.ndarray, p: float | np.ndarray) -> np.ndarray:
        return candidates[self.rng.random(len(candidates)) < p]

    def day_in(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.integers(0, hi - lo + 1))

    def cohort_group(self, s: int, year: int) -> int:
        """A group of the cohort now in the student's course (after a leave, repeat or readmission)."""
        intake = year - (int(self.course[s]) - 1)
        return self.groups.find(int(self.programme[s]), intake, int(self.language[s]))

    def by_faculty(self, students: np.ndarray) -> Iterable[np.ndarray]:
        fac = self.faculty(students)
        for f in range(len(FACULTIES)):
            if (fac == f).any():
                yield students[fac == f]

    def by_day(self, students: np.ndarray, lo: int, hi: int) -> Iterable[tuple[int, np.ndarray]]:
        """Students spread over random days in [lo, hi]: one order per day."""
        days = lo + self.rng.integers(0, hi - lo + 1, len(students))
        for day in np.unique(days):
            yield int(day), students[days == day]

    def state_columns(self, students: np.ndarray) -> dict[str, np.ndarray]:
        return {"program_code": self.programme[students], "funding": self.funding[students],
                "course": self.course[students], "study_form": self.form[students],
                "study_language": self.language[students], "group_code": self.group[students]}

    # ---- the academic year

    def run(self) -> None:
        """Every academic year from the oldest cohort's intake; the window's years are written."""
        first = self.first_year - max(p.years for p in PROGRAMMES) + 1
        for year in range(first, LAST_ACADEMIC_YEAR + 1):
            in_window = year >= self.first_year
            autumn, spring, summer = academic_terms(year)
            self.open_year(year, in_window)
            self.run_term(autumn, in_window)
            self.open_spring(year, in_window)
            self.run_term(spring, in_window)
            self.graduate(year)
            self.return_from_mobility(year, 2, _d(year + 1, 7, 1), _d(year + 1, 7, 5))
            self.run_summer(summer, in_window)
            self.promote(year)
            if in_window:
                active = int((self.status == ACTIVE).sum())
                self.progress(f"{autumn.academic_year}: {active:,} active students after promotion, "
                              f"{self.grades.rows:,} grade rows so far")

    def open_year(self, year: int, in_window: bool) -> None:
        """Late August: vacant grants, returns, readmissions, admissions, programme changes, mobility."""
        self.busy[:] = False
        self.award_vacant_grants(year)
        self.return_from_leave(year, 0, _d(year, 8, 28), _d(year, 9, 1))
        self.readmit(year)
        self.admit(year, in_window)
        if in_window:  # recognitions are only written for the window's years
            self.change_programme(year)
            self.send_on_mobility(year, 1, _d(year, 9, 1))

    def open_spring(self, year: int, in_window: bool) -> None:
        """January: back from autumn mobility and from leave, off on spring mobility."""
        self.busy[:] = False
        self.return_from_mobility(year, 1, _d(year + 1, 1, 10), _d(year + 1, 1, 16))
        self.return_from_leave(year, 1, _d(year + 1, 1, 15), _d(year + 1, 1, 19))
        if in_window:
            self.send_on_mobility(year, 2, _d(year + 1, 1, 20))

    # ---- arrivals

    def admit(self, year: int, in_window: bool) -> None:
        """Admission orders (one per programme) and transfers from other universities (one per faculty)."""
        pop = self.pop
        arriving = np.flatnonzero(pop.arrival_year == year)
        admitted = arriving[pop.kind[arriving] == ADMISSION]
        for p in np.unique(pop.programme[admitted]):
            students = admitted[pop.programme[admitted] == p]
            # first-year bachelors are enrolled "from 1 September", masters and doctoral students in August
            late_august = self.day_in(_d(year, 8, 25), _d(year, 8, 31))
            effective = _d(year, 9, 1) if PROGRAMMES[p].level == BACHELOR else late_august
            self.enter(students, 1)
            self.orders.add("admission", _workday(effective - int(self.rng.integers(3, 9))), effective,
                            students, **self.state_columns(students))
        if in_window:
            self.recognise_certificates(year, admitted)
        transfers = arriving[pop.kind[arriving] == TRANSFER]
        for students in self.by_faculty(transfers):
            effective = self.day_in(_d(year, 8, 26), _d(year, 9, 1))
            for s in students.tolist():
                self.group[s] = self.groups.find(int(self.programme[s]), int(pop.intake[s]),
                                                 int(self.language[s]))
            self.enter(students, pop.course0[students])
            self.orders.add("transfer_in", _workday(effective - int(self.rng.integers(2, 6))), effective,
                            students, **self.state_columns(students))
            for s in students.tolist():
                self.recognise_transfer(s, year, effective)

    def enter(self, students: np.ndarray, course: int | np.ndarray) -> None:
        self.status[students] = ACTIVE
        self.course[students] = course
        self.done[students] = 2 * (self.course[students] - 1)
        self.busy[students] = True

    def readmit(self, year: int) -> None:
        """Some expelled students come back a year or more later, on a paid basis, to the same course."""
        out = np.flatnonzero(self.status == EXPELLED)
        gap = year - self.expelled_year[out]
        reason = self.expelled_reason[out]
        left = np.isin(reason, [RS["own_will"], RS["non_payment"]]) & (gap >= 1) & (gap <= 3)
        failed = (reason == RS["academic_failure"]) & (gap >= 2) & (gap <= 3)
        thesis = (reason == RS["failed_final_attestation"]) & (gap == 1)  # to defend the thesis again
        chance = np.select([left | failed, thesis], [0.06, 0.4], 0.0)
        chosen = self.pick(out, chance)
        if not len(chosen):
            return
        effective = self.day_in(_d(year, 8, 27), _d(year, 9, 1))
        self.status[chosen] = ACTIVE
        self.funding[chosen] = PAID
        self.expelled_year[chosen] = -1
        self.busy[chosen] = True
        for s in chosen.tolist():
            self.group[s] = self.cohort_group(s, year)
        self.orders.add("readmission", _workday(effective - 2), effective, chosen,
                        **self.state_columns(chosen))

    # ---- movements during studies

    def award_vacant_grants(self, year: int) -> None:
        """Vacant state grants go to paid full-time students with a high GPA (rules A5)."""
        good = np.flatnonzero((self.status == ACTIVE) & (self.funding == PAID) & (self.last_gpa >= 3.4)
                              & (self.form == FULL_TIME))
        chosen = self.pick(good, 0.15)
        if len(chosen):
            effective = self.day_in(_d(year, 8, 21), _d(year, 8, 24))
            self.funding[chosen] = GRANT
            self.busy[chosen] = True
            self.orders.add("funding_change", _workday(effective), effective, chosen, funding=GRANT)

    def return_from_leave(self, year: int, term_index: int, lo: int, hi: int) -> None:
        """Leaves end at the start of a term; a few students never come back and are expelled."""
        due = np.flatnonzero((self.status == ON_LEAVE) & (self.leave_until == 2 * year + term_index))
        for day, students in self.by_day(due[self.leave_for_good[due]], lo, hi):
            self.expel(students, year, "own_will", day)
        for day, students in self.by_day(due[~self.leave_for_good[due]], lo, hi):
            self.status[students] = ACTIVE
            self.busy[students] = True
            for s in students.tolist():
                self.group[s] = self.cohort_group(s, year)
            self.orders.add("return_from_leave", _workday(day - 3), day, students,
                            group_code=self.group[students])

    def change_programme(self, year: int) -> None:
        """A few second-year bachelors move to another programme of their faculty."""
        everyone = np.arange(len(self.status))
        candidates = np.flatnonzero((self.status == ACTIVE) & ~self.busy & (self.course == 2)
                                    & (self.level(everyone) == BACHELOR))
        moved: list[tuple[int, int]] = []
        for s in self.pick(candidates, 0.006).tolist():
            old = int(self.programme[s])
            options = [p for p, prog in enumerate(PROGRAMMES) if p != old and prog.level == BACHELOR
                       and prog.faculty == PROGRAMMES[old].faculty and prog.years == PROGRAMMES[old].years]
            if options:
                moved.append((s, old))
                self.switch_plan(s, options[int(self.rng.integers(len(options)))], year)
        if moved:
            chosen = np.array([s for s, _ in moved], np.int64)
            effective = self.day_in(_d(year, 8, 26), _d(year, 8, 28))
            self.busy[chosen] = True
            self.orders.add("program_change", _workday(effective - 1), effective, chosen,
                            program_code=self.programme[chosen], group_code=self.group[chosen])
            for s, old in moved:
                self.recognise_plan_difference(s, old, year, effective)

    def switch_plan(self, s: int, new: int, year: int) -> None:
        """Debts in disciplines the new plan does not have are dropped with the old plan."""
        self.programme[s] = new
        self.group[s] = self.cohort_group(s, year)
        debts = self.debts.get(s)
        if debts:
            wanted = {d for sem in range(1, int(self.done[s]) + 1) for d in self.uni.semester(new, sem)}
            for d in [d for d in debts if d not in wanted]:
                del debts[d]
            if not debts:
                del self.debts[s]

    def send_on_mobility(self, year: int, term: int, effective: int) -> None:
        """Outgoing academic mobility for one term (bachelor courses 2..n-1, master course 1)."""
        active = np.flatnonzero((self.status == ACTIVE) & ~self.busy)
        level, course = self.level(active), self.course[active]
        eligible = ((level == BACHELOR) & (course >= 2) & (course < self.duration(active))) | (
            (level == MASTER) & (course == 1))
        eligible &= 2 * (course - 1) + term > self.done[active]  # not for a semester already sat
        chosen = self.pick(active[eligible], 0.012)
        if len(chosen):
            self.status[chosen] = ON_MOBILITY
            self.mobility_term[chosen] = term
            self.orders.add("mobility_out", _workday(effective - 10), effective, chosen,
                            reason=RS["academic_mobility"])

    def return_from_mobility(self, year: int, term: int, lo: int, hi: int) -> None:
        """Back from mobility; the term abroad is recognised by a protocol (origin mobility)."""
        back = np.flatnonzero((self.status == ON_MOBILITY) & (self.mobility_term == term))
        if not len(back):
            return
        effective = self.day_in(lo, hi)
        self.status[back] = ACTIVE
        self.mobility_term[back] = 0
        self.busy[back] = True
        self.orders.add("mobility_return", _workday(effective), effective, back)
        for s in back.tolist():
            self.recognise_mobility(s, year, term, effective)

    def expel(self, students: np.ndarray, year: int, reason: str, effective: int,
              reasons: np.ndarray | None = None) -> None:
        if not len(students):
            return
        codes = np.full(len(students), RS[reason]) if reasons is None else reasons
        self.status[students] = EXPELLED
        self.expelled_year[students] = year
        self.expelled_reason[students] = codes
        self.orders.add("expulsion", _workday(effective), effective, students, reason=codes)

    def depart_mid_term(self, term: Term, students: np.ndarray) -> np.ndarray:
        """Academic leaves and expulsions during a term, before its exams; returns who left."""
        n = len(students)
        first_year = self.course[students] == 1
        paid = self.funding[students] == PAID
        chances = np.column_stack([  # per term; more students leave in their first year
            np.full(n, 0.0125),  # academic leave
            np.where(first_year, 0.016, 0.007),  # own will
            np.where(paid, np.where(first_year, 0.014, 0.007), 0.0),  # non-payment
            np.full(n, 0.003),  # transfer to another university
            np.full(n, 0.001),  # discipline
            np.full(n, 0.0001),  # death
        ])
        bounds = np.cumsum(chances, axis=1)
        u = self.rng.random(n)
        event = np.where(u < bounds[:, -1], (u[:, None] < bounds).argmax(axis=1), -1)
        lo, hi = term.starts + 14, term.exams_start - 7
        leaving = students[event == 0]
        self.send_on_leave(term, leaving, lo, hi)
        expelled = students[event >= 1]
        kinds = np.array([RS[r] for r in ("own_will", "non_payment", "transfer_out", "discipline", "death")])
        reasons = kinds[event[event >= 1] - 1]
        days = lo + self.rng.integers(0, hi - lo + 1, len(expelled))
        for day in np.unique(days):
            self.expel(expelled[days == day], term.year, "own_will", int(day), reasons[days == day])
        for day, renamed in self.by_day(self.pick(students[event < 0], 0.002), term.starts, term.exams_end):
            self.orders.add("personal_data_change", _workday(day), day, renamed)
        return np.concatenate([leaving, expelled])

    def send_on_leave(self, term: Term, students: np.ndarray, lo: int, hi: int) -> None:
        """Academic leave (illness, military service, child care, tuberculosis) until the same term later."""
        n = len(students)
        if not n:
            return
        u = self.rng.random(n)
        male = ~self.pop.female[students]
        reason = np.where(
            male,
            np.select([u < 0.6, u < 0.92], [RS["illness"], RS["military_service"]], RS["tuberculosis"]),
            np.select([u < 0.45, u < 0.95], [RS["illness"], RS["child_care"]], RS["tuberculosis"]),
        )
        years = np.select([reason == RS["child_care"], reason == RS["tuberculosis"]],
                          [self.rng.choice([1, 2, 3], n, p=[0.5, 0.3, 0.2]), self.rng.choice([1, 2], n)], 1)
        self.status[students] = ON_LEAVE
        self.leave_until[students] = 2 * (term.year + years) + (0 if term.label == "1" else 1)
        self.leave_for_good[students] = self.rng.random(n) < 0.12
        days = lo + self.rng.integers(0, hi - lo + 1, n)
        for day in np.unique(days):
            here = days == day
            signed = _workday(int(day) + int(self.rng.integers(0, 4)))
            self.orders.add("academic_leave", signed, int(day), students[here], reason=reason[here])

    # ---- recognitions

    def recognised_scores(self, n: int) -> list[int]:
        return np.clip(np.rint(self.rng.normal(80.0, 10.0, n)), 50, 100).astype(int).tolist()

    def recognise(self, when: int, s: int, year: int, term: str, origin: str, discs: list[int],
                  scores: list[int], grades: list[str], credits: list[int] | None = None) -> None:
        credits = credits or [int(self.uni.credits[d]) for d in discs]
        self.recognitions.append(Recognition(when, s, year, term, origin, discs, credits, scores, grades))

    def recognise_transfer(self, s: int, year: int, effective: int) -> None:
        """Earlier semesters of a transfer student, from the other university's transcript."""
        plan = int(self.programme[s])
        discs = [d for sem in range(1, int(self.done[s]) + 1) for d in self.uni.semester(plan, sem)]
        scores = self.recognised_scores(len(discs))
        credits = [int(self.uni.credits[d]) for d in discs]
        for k in range(len(credits)):
            self.flaw_counter["transfer"] += 1
            if self.flaw_counter["transfer"] % 150 == 0:  # a flaw to catch: the other university's credits
                credits[k] += 1 if credits[k] < 5 else -1
        traditional = self.rng.random() < 0.3
        grades = [_traditional(x) if traditional else _letter(x) for x in scores]
        when = effective + int(self.rng.integers(5, 25))
        self.recognise(when, s, year, "1", "transfer", discs, scores, grades, credits)

    def recognise_mobility(self, s: int, year: int, term: int, effective: int) -> None:
        """The semester taken abroad; now and then the protocol also lists a discipline passed at home."""
        sem = 2 * (int(self.course[s]) - 1) + term
        discs = list(self.uni.semester(int(self.programme[s]), sem))
        scores = self.recognised_scores(len(discs))
        self.flaw_counter["mobility"] += 1
        if self.flaw_counter["mobility"] % 25 == 0:  # a flaw to catch: a discipline passed at home listed too
            passed = [d for d in self.uni.semester(int(self.programme[s]), sem - 1)
                      if d not in self.debts.get(s, {}) and s * self.n_disc + d not in self.exempt]
            if passed:
                discs.append(passed[0])
                scores.append(scores[0])
        when = effective + int(self.rng.integers(10, 25))
        self.recognise(when, s, year, str(term), "mobility", discs, scores, [_ects(x) for x in scores])
        self.done[s] = max(int(self.done[s]), sem)
        self.add_results(np.full(len(discs), s), np.asarray(discs), np.asarray(scores))

    def recognise_plan_difference(self, s: int, old: int, year: int, effective: int) -> None:
        """After a programme change, the new plan's own disciplines of past semesters (prior learning)."""
        past = range(1, int(self.done[s]) + 1)
        taken = {d for sem in past for d in self.uni.semester(old, sem)}
        discs = [d for sem in past for d in self.uni.semester(int(self.programme[s]), sem) if d not in taken]
        if discs:
            scores = self.recognised_scores(len(discs))
            when = effective + int(self.rng.integers(7, 20))
            self.recognise(when, s, year, "1", "prior_learning", discs, scores, [_letter(x) for x in scores])

    def recognise_certificates(self, year: int, admitted: np.ndarray) -> None:
        """Foreign language 1 recognised from an IELTS certificate for a few first-year bachelors."""
        fl1 = self.uni.index[IELTS_DISCIPLINE]
        for s in self.pick(admitted[self.level(admitted) == BACHELOR], 0.01).tolist():
            score = int(self.rng.integers(88, 101))
            when = _d(year, 9, 10) + int(self.rng.integers(0, 10))
            band = "7.0" if score >= 95 else "6.5"
            self.recognise(when, s, year, "1", "prior_learning", [fl1], [score], [f"IELTS {band}"])
            self.exempt.add(s * self.n_disc + fl1)
            self.add_results(np.array([s]), np.array([fl1]), np.array([score]))

    # ---- terms

    def run_term(self, term: Term, in_window: bool) -> None:
        """Registration, departures before the exams, the exam session with FX retakes, debts."""
        students = np.flatnonzero(self.status == ACTIVE)
        if not len(students):
            return
        stu, disc, sem, restudy = self.enrol(students, int(term.label))
        teacher = self.teacher_of(stu, disc)
        if in_window:
            self.write_enrollments(term, stu, disc, teacher)
        gone = self.depart_mid_term(term, students)
        sits = ~np.isin(stu, gone)
        self.examine(term, stu[sits], disc[sits], sem[sits], teacher[sits], restudy[sits], in_window)
        stayed = students[~np.isin(students, gone)]
        self.done[stayed] = np.maximum(self.done[stayed], 2 * (self.course[stayed] - 1) + int(term.label))

    def enrol(self, students: np.ndarray, term_no: int) -> tuple[np.ndarray, ...]:
        """(student, discipline, plan semester, re-study) rows, sorted: the semester's plan for students
        who have not sat it yet, plus every debt of the same term parity (re-study)."""
        uni = self.uni
        sem = 2 * (self.course[students] - 1) + term_no
        fresh = sem > self.done[students]
        fs, fsem = students[fresh], sem[fresh]
        key = uni.plan_key(self.programme[fs], fsem)
        lens = uni.plan_len[key]
        offsets = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
        plan_disc = uni.plan_disc[np.repeat(uni.plan_start[key], lens) + offsets]
        member = np.zeros(len(self.status), bool)
        member[students] = True
        debt_rows = [(s, d, m) for s, debts in self.debts.items() if member[s] for d, m in debts.items()
                     if m % 2 == term_no % 2 and m <= 2 * (int(self.course[s]) - 1) + term_no]
        extra = np.array(debt_rows, np.int64).reshape(-1, 3)
        stu = np.concatenate([np.repeat(fs, lens), extra[:, 0]]).astype(np.int64)
        disc = np.concatenate([plan_disc, extra[:, 1]]).astype(np.int64)
        sems = np.concatenate([np.repeat(fsem, lens), extra[:, 2]]).astype(np.int64)
        restudy = np.concatenate([np.zeros(len(plan_disc), bool), np.ones(len(extra), bool)])
        keys = stu * self.n_disc + disc
        order = np.argsort(keys, kind="stable")
        keep = order[np.concatenate([[True], np.diff(keys[order]) != 0])] if len(order) else order
        if self.exempt:
            keep = keep[~np.isin(keys[keep], np.fromiter(self.exempt, np.int64, len(self.exempt)))]
        return stu[keep], disc[keep], sems[keep], restudy[keep]

    def teacher_of(self, students: np.ndarray, disc: np.ndarray) -> np.ndarray:
        """Each discipline of each group has one teacher from the programme's faculty."""
        fac = self.faculty(students)
        size = self.teachers.pool_size[fac, disc]
        return self.teachers.pool[fac, disc, self.group[students] % size]

    def exam_days(self, term: Term, students: np.ndarray, disc: np.ndarray) -> np.ndarray:
        """One exam day per group and discipline, early enough in the session to leave room for retakes."""
        span = max(1, term.exams_end - term.exams_start - 9)
        mix = (self.group[students].astype(np.int64) * 7919 + disc * 104729 + term.year * 31) % span
        return term.exams_start + mix

    def examine(self, term: Term, stu: np.ndarray, disc: np.ndarray, sem: np.ndarray, teacher: np.ndarray,
                restudy: np.ndarray, in_window: bool) -> None:
        """Scores depend on the student, the discipline's difficulty and the teacher's leniency."""
        uni = self.uni
        course = self.course[stu]
        final_year = course == self.duration(stu)
        # students settle in after the first year, try hardest in the final year and on a re-study
        mu = (75.5 + self.pop.ability[stu] + uni.difficulty[disc] + self.teachers.leniency[teacher]
              - np.where(course == 1, 1.5, 0.0) + 1.5 * (course - 1) + np.where(final_year, 3.0, 0.0)
              + np.where(restudy, 7.0, 0.0))
        risk = np.select([final_year, course >= 3, course == 2], [0.2, 0.5, 0.8], 1.2)
        risk = risk * np.where(uni.pass_fail[disc] | restudy, 0.4, 1.0)
        step = np.where(self.teachers.half_points[teacher], 0.5, 1.0)
        sheet = sit_exams(mu, uni.pass_fail[disc], step, self.exam_days(term, stu, disc), self.rng, risk)
        if in_window:
            self.write_grades(term, stu, disc, sheet)
        self.results.append((stu, disc, sheet.points, sheet.passed))
        self.settle_debts(stu, disc, sem, sheet.passed, restudy)

    def settle_debts(self, stu: np.ndarray, disc: np.ndarray, sem: np.ndarray, passed: np.ndarray,
                     restudy: np.ndarray) -> None:
        """An unpassed discipline becomes a debt; a passed re-study clears one."""
        failed = np.flatnonzero(~passed)
        for s, d, m in zip(stu[failed].tolist(), disc[failed].tolist(), sem[failed].tolist(), strict=True):
            self.debts.setdefault(s, {})[d] = m
        cleared = np.flatnonzero(passed & restudy)
        for s, d in zip(stu[cleared].tolist(), disc[cleared].tolist(), strict=True):
            debts = self.debts.get(s)
            if debts is not None:
                debts.pop(d, None)
                if not debts:
                    del self.debts[s]

    def run_summer(self, term: Term, in_window: bool) -> None:
        """Paid summer term: most debts are re-studied (attempt 1 in the summer), never in the final year."""
        rows = [(s, d, m) for s, debts in self.debts.items()
                if self.status[s] == ACTIVE and self.course[s] < self.uni.prog_years[self.programme[s]]
                for d, m in debts.items()]
        if not rows:
            return
        stu, disc, sem = np.array(rows, np.int64).T
        keep = self.rng.random(len(stu)) < 0.8
        order = np.lexsort((disc[keep], stu[keep]))
        stu, disc, sem = stu[keep][order], disc[keep][order], sem[keep][order]
        teacher = self.teacher_of(stu, disc)
        if in_window:
            self.write_enrollments(term, stu, disc, teacher)
        self.examine(term, stu, disc, sem, teacher, np.ones(len(stu), bool), in_window)

    # ---- end of the year

    def add_results(self, stu: np.ndarray, disc: np.ndarray, scores: np.ndarray) -> None:
        """Recognised results count in the year's GPA like grades."""
        scores = np.asarray(scores, np.int64)
        self.results.append((np.asarray(stu, np.int64), np.asarray(disc, np.int64), _rules().points[scores],
                             scores >= 50))

    def year_gpa(self) -> np.ndarray:
        """This academic year's GPA per student: the last result of each GPA discipline (rules B6-B7)."""
        gpa = np.full(len(self.status), np.nan)
        if not self.results:
            return gpa
        stu, disc, points = (np.concatenate([r[k] for r in self.results]) for k in range(3))
        keys = (stu * self.n_disc + disc)[::-1]
        _, first = np.unique(keys, return_index=True)
        last = len(keys) - 1 - first
        stu, disc, points = stu[last], disc[last], points[last]
        weights = self.uni.credits[disc] * self.uni.in_gpa[disc]
        total = np.bincount(stu, weights=weights, minlength=len(gpa))
        earned = np.bincount(stu, weights=weights * points, minlength=len(gpa))
        np.divide(earned, total, out=gpa, where=total > 0)
        return gpa

    def debt_credits(self, students: np.ndarray) -> np.ndarray:
        credits = self.uni.credits
        return np.array([sum(int(credits[d]) for d in self.debts.get(s, ())) for s in students.tolist()],
                        np.int64)

    def graduate(self, year: int) -> None:
        """June: final-year students without debts graduate; failing only the thesis means expulsion."""
        active = np.flatnonzero(self.status == ACTIVE)
        years = self.duration(active)
        final = active[(self.course[active] == years) & (self.done[active] >= 2 * years)]
        clear = final[[s not in self.debts for s in final.tolist()]]
        for students in self.by_faculty(clear):
            day = self.day_in(_d(year + 1, 6, 20), _d(year + 1, 6, 30))
            self.status[students] = GRADUATED
            self.orders.add("graduation", _workday(day - 2), day, students)
        theses = {self.uni.index[c] for c in FINAL_ATTESTATION.values()}
        failed = [s for s in final.tolist() if s in self.debts and set(self.debts[s]) <= theses]
        if failed:
            day = self.day_in(_d(year + 1, 6, 22), _d(year + 1, 6, 26))
            self.expel(np.asarray(failed, np.int64), year, "failed_final_attestation", day)

    def promote(self, year: int) -> None:
        """August: promotion on the year's GPA (rules A4); otherwise a paid repeat year or expulsion."""
        gpa = self.year_gpa()
        self.results = []
        active = np.flatnonzero(self.status == ACTIVE)
        done = active[self.done[active] >= 2 * self.course[active]]
        if not len(done):
            return
        final, course, g = self.course[done] == self.duration(done), self.course[done], gpa[done]
        self.last_gpa[done] = g
        transfer_gpa = _rules().transfer_gpa
        threshold = transfer_gpa[np.minimum(course, len(transfer_gpa)) - 1]
        ok = (np.isnan(g) | (g >= threshold)) & (self.debt_credits(done) <= 20) & ~final
        near = final | (np.nan_to_num(g) >= threshold - 0.6)
        repeat = ~ok & near & (self.rng.random(len(done)) < np.where(final, 0.6, 0.4))
        for group in self.by_faculty(np.arange(len(done))):
            day = self.day_in(_d(year + 1, 8, 3), _d(year + 1, 8, 20))
            promoted = done[group[ok[group]]]
            self.course[promoted] += 1
            self.orders.add("promotion", _workday(day - 1), day, promoted, course=self.course[promoted])
            repeaters = done[group[repeat[group]]]
            self.funding[repeaters] = PAID
            for s in repeaters.tolist():
                self.group[s] = self.cohort_group(s, year + 1)
            self.orders.add("repeat_year", _workday(day - 1), day, repeaters, course=self.course[repeaters],
                            funding=PAID, group_code=self.group[repeaters])
            self.expel(done[group[~ok[group] & ~repeat[group]]], year, "academic_failure", day)

    # ---- writing

    def write_enrollments(self, term: Term, stu: np.ndarray, disc: np.ndarray, teacher: np.ndarray) -> None:
        n = len(stu)
        self.enrollments.write({
            "student_id": _take(self.sid, stu),
            "discipline_code": _take(self.dcode, disc),
            "academic_year": _repeat(term.academic_year, n),
            "term": _repeat(term.label, n),
            "group_code": _take(pa.array(self.groups.codes), self.group[stu]),
            "teacher_id": _take(self.tid, teacher),
        })

    def write_grades(self, term: Term, stu: np.ndarray, disc: np.ndarray, sheet: Sheet) -> None:
        """First attempts and, right after each, the FX retake (attempt 2)."""
        second = np.flatnonzero(sheet.retake)
        rows = np.concatenate([np.arange(len(stu)), second])
        attempt = np.concatenate([np.ones(len(stu), np.int8), np.full(len(second), 2, np.int8)])
        order = np.lexsort((attempt, rows))
        rows, attempt = rows[order], attempt[order]
        exam = np.where(attempt == 2, sheet.exam2[rows], sheet.exam[rows])
        day = np.where(attempt == 2, sheet.day2[rows], sheet.day[rows])
        n = len(rows)
        self.grades.write({
            "student_id": _take(self.sid, stu[rows]),
            "discipline_code": _take(self.dcode, disc[rows]),
            "academic_year": _repeat(term.academic_year, n),
            "term": _repeat(term.label, n),
            "attempt": pa.array(attempt),
            "rk1": _score(sheet.rk1[rows]),
            "rk2": _score(sheet.rk2[rows]),
            "exam": _score(exam, exam < 0),
            "graded_on": _take(self.dates, day - self.date_base),
        })


# --------------------------------------------------------------------------- the files


def _catalogue_rows(uni: University, teachers: Teachers, first_intake: int) -> dict[str, list[tuple]]:
    """Rows of the small reference files: faculties, programmes, disciplines, curriculum, teachers."""
    curriculum = [
        (prog.code, intake, uni.disciplines[d].code, sem)
        for p, prog in enumerate(uni.programmes)
        for intake in range(first_intake, LAST_ACADEMIC_YEAR + 2)
        for sem in sorted(uni.plans[p])
        for d in uni.plans[p][sem]
    ]
    return {
        "faculties": [(f.code, *f.name) for f in FACULTIES],
        "programs": [(p.code, FACULTIES[p.faculty].code, LEVELS[p.level], *p.name, p.group, p.credits,
                      p.years) for p in uni.programmes],
        "disciplines": [(d.code, *d.name, d.credits, d.assessment, d.counts_in_gpa, d.is_final)
                        for d in uni.disciplines],
        "curriculum": curriculum,
        "teachers": teachers.rows,
    }


def _student_rows(sim: Simulation) -> Iterable[tuple]:
    pop, groups, teachers = sim.pop, sim.groups, sim.teachers
    for s in range(pop.size):
        last, first, middle = pop.names[s]
        g = int(sim.group[s])
        assert sim.status[s] != NOT_YET
        yield (pop.sid[s], pop.iin[s], last, first, middle, "F" if pop.female[s] else "M",
               pop.birth[s].isoformat(), pop.citizenship[s], PROGRAMMES[sim.programme[s]].code,
               STUDY_FORMS[sim.form[s]], LANGUAGES[sim.language[s]], FUNDINGS[sim.funding[s]],
               groups.codes[g], teachers.ids[groups.advisor[g]], bool(pop.social[s]), STATUSES[sim.status[s]])


def _recognition_rows(sim: Simulation) -> Iterable[tuple]:
    """One row per recognised discipline; protocols numbered by date within each calendar year."""
    order = sorted(range(len(sim.recognitions)), key=lambda i: (sim.recognitions[i].protocol_date, i))
    per_year: dict[int, int] = {}
    for i in order:
        r = sim.recognitions[i]
        when = date.fromordinal(r.protocol_date)
        per_year[when.year] = per_year.get(when.year, 0) + 1
        number = f"РК-{when.year}-{per_year[when.year]:03d}"
        for d, credits, score, grade in zip(r.disciplines, r.credits, r.scores, r.grades, strict=True):
            yield (number, when.isoformat(), sim.pop.sid[r.student], sim.uni.disciplines[d].code,
                   f"{r.year}-{r.year + 1}", r.term, credits, score, r.origin, grade)


def _calendar_rows(first_year: int) -> list[tuple]:
    return [(t.academic_year, t.label, *(date.fromordinal(x).isoformat()
                                         for x in (t.starts, t.ends, t.exams_start, t.exams_end)))
            for y in range(first_year, LAST_ACADEMIC_YEAR + 1) for t in academic_terms(y)]


def write_demo(out_dir: Path, students: int = 5000, years: int = 5, seed: int = 42,
               progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write the demo university's extracts (one CSV per contract entity) into out_dir.

    `students` is everyone ever admitted whose studies overlap the window of `years`
    academic years ending with 2025-2026; the result maps entity name -> rows written.
    """
    if students < 1 or not 1 <= years <= 30:
        raise ValueError("students must be positive and years between 1 and 30")
    say = progress or (lambda _msg: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    first_year = LAST_ACADEMIC_YEAR - years + 1
    first_intake = first_year - max(p.years for p in PROGRAMMES) + 1
    catalogue_rng = np.random.default_rng([seed, 0])
    people_rng = np.random.default_rng([seed, 1])
    life_rng = np.random.default_rng([seed, 2])

    uni = build_university(catalogue_rng)
    cohorts = plan_cohorts(students, first_year)
    faculty_weights = np.bincount([PROGRAMMES[p].faculty for p, _, _ in cohorts],
                                  weights=[n for _, _, n in cohorts], minlength=len(FACULTIES)) + 1.0
    teachers = build_teachers(max(30, round(students / 25)), faculty_weights, len(uni.disciplines),
                              catalogue_rng)
    groups = Groups(teachers, people_rng)
    pop = build_population(cohorts, first_year, groups, people_rng)

    counts: dict[str, int] = {}

    def done(name: str, rows: int) -> None:
        counts[name] = rows
        say(f"{name}: {rows:,} rows")

    for name, rows in _catalogue_rows(uni, teachers, first_intake).items():
        done(name, _write_rows(out / f"{name}.csv", name, rows))
    done("calendar", _write_rows(out / "calendar.csv", "calendar", _calendar_rows(first_year)))

    sim = Simulation(uni, pop, teachers, groups, first_year, out, life_rng, say)
    sim.run()
    done("enrollments", sim.enrollments.close())
    done("grades", sim.grades.close())
    orders = ArrowSink(out / "orders.csv", "orders")
    sim.orders.write(orders, sim.sid, sim.dates, sim.date_base, groups.codes)
    done("orders", orders.close())
    done("recognitions", _write_rows(out / "recognitions.csv", "recognitions", _recognition_rows(sim)))
    done("students", _write_rows(out / "students.csv", "students", _student_rows(sim)))
    return {e.name: counts[e.name] for e in ENTITIES}
