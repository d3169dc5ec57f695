"""Contract checks, run in DuckDB on the landed (all-text) tables (`landed_table`).

Each rule of `extract.contract` becomes one query that returns the rows breaking it,
so the checks stay fast on millions of rows and every defect names its file, row,
column, value and rule. The same parsing expressions are used by the loader, so what
passes here is exactly what gets loaded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from extract.contract import ACADEMIC_YEAR_PATTERN, Column, Entity, entity
from extract.defects import Defect

# The column the loader adds to every raw table (staging passes it on as source_row)
SOURCE_ROW_COLUMN = "_source_row"
SOURCE_ROW_TYPE = "integer"

LISTED_PER_RULE = 200  # rows listed one by one per file, column and rule; the rest are counted
_TRUE = ("true", "1", "yes", "y", "t", "да", "иә")
_FALSE = ("false", "0", "no", "n", "f", "нет", "жоқ")


def q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# The schema of the landed tables: scratch, dropped at the end of the load. Tables of the database file,
# not temp (in-memory) ones: DuckDB writes them compressed (dictionaries), and the typing and the checks
# then parse a repeated value once. Measured on a nightly load at 200,000 students (3 changed files):
# temp tables landed in 4.1 s instead of 10.9 s, but were typed in 8.4 s instead of 4.4 s and referenced
# and checked slower: the load took 25.1 s against 22.7 s
LANDING_SCHEMA = "landing"


def landed_table(entity_name: str) -> str:
    """The table a file of `entity_name` is landed into, every column as text: `_row` (the file's row) and
    the file's columns, in file order."""
    return f"{LANDING_SCHEMA}.{q(entity_name)}"


def text_expr(column: str) -> str:
    """The trimmed value, NULL when empty."""
    return f"nullif(trim({q(column)}), '')"


# The type each kind of column has once loaded into `raw` (the dbt sources state them too)
RAW_TYPES: dict[str, str] = {
    "text": "varchar", "enum": "varchar", "code": "varchar",
    "int": "bigint", "decimal": "decimal(9,2)", "date": "date", "bool": "boolean",
}


def parse_expr(col: Column, present: bool) -> str:
    """SQL that turns the landed text into the column's type (NULL when unreadable).

    A column absent from the file, or an empty value, takes the contract default.
    """
    v = text_expr(col.name) if present else "NULL"
    if col.default is not None:
        v = f"coalesce({v}, {lit(col.default)})"
    match col.kind:
        case "int":
            return f"try_cast({v} as {RAW_TYPES['int']})"
        case "decimal":
            return f"try_cast(replace({v}, ',', '.') as {RAW_TYPES['decimal']})"
        case "date":
            return f"coalesce(try_strptime({v}, '%Y-%m-%d'), try_strptime({v}, '%d.%m.%Y'))::date"
        case "bool":
            t = ", ".join(lit(x) for x in _TRUE)
            f = ", ".join(lit(x) for x in _FALSE)
            return f"case when lower({v}) in ({t}) then true when lower({v}) in ({f}) then false end"
        case "enum" | "code":
            whens = " ".join(f"when {lit(c.lower())} then {lit(c)}" for c in col.allowed)
            return f"case lower({v}) {whens} end" if whens else "NULL::varchar"
        case _:
            return v


def reads_as_landed(col: Column) -> bool:
    """Whether the column's loaded (raw) value reads as its landed text does through `text_expr`: a
    text column without a default holds exactly `nullif(trim(text), '')`; any other is parsed (an enum
    or code canonicalised, a default filled in), so its raw value may differ from the text."""
    return col.kind == "text" and col.default is None


def _type_rule(col: Column) -> str:
    if col.code_list is not None:
        seed, file = col.code_list.seed, col.code_list.file
        return f"code not in seed {seed} ({file}): add a row there, or correct the AIS export"
    return {
        "int": "type: whole number",
        "decimal": "type: number (decimal point or comma)",
        "date": "type: date as YYYY-MM-DD or DD.MM.YYYY",
        "bool": "type: true or false",
        "enum": "allowed values: " + " | ".join(col.choices),
    }[col.kind]


@dataclass(frozen=True)
class Check:
    """One rule as SQL over the landed table: `broken` is true for a row that breaks it."""

    column: str
    rule: str
    broken: str
    value: str


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def fill(template: str, values: Mapping[str, str]) -> str:
    """`template` with each `{name}` of `values` replaced (other braces, as in regexes, stay)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


@dataclass(frozen=True)
class RuleContext:
    """What row rules may name besides the row: the extract date and the dbt vars."""

    extract_date: dt.date
    extract_date_basis: str  # how the extract date was found, as a registrar reads it
    variables: Mapping[str, object]

    def sql(self) -> dict[str, str]:
        out = {k: _sql_value(v) for k, v in self.variables.items() if _sql_value(v)}
        return out | {"extract_date": f"date {lit(self.extract_date.isoformat())}"}

    def text(self) -> dict[str, str]:
        out = {k: str(v) for k, v in self.variables.items()}
        return out | {"extract_date": f"{self.extract_date.isoformat()} ({self.extract_date_basis})"}


def _sql_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return lit(value)
    return ""  # lists and maps are not used by row rules


def column_checks(col: Column, present: bool) -> list[Check]:
    """Every rule one column's values can break; each reads that column's value alone (so a rule
    holds on every row when it holds on every distinct value: `Validator._broken_anywhere`)."""
    if not present:
        return []
    raw = text_expr(col.name)
    parsed = parse_expr(col, present)
    checks: list[Check] = []
    if col.required:
        checks.append(Check(col.name, "required value: must not be empty", f"{raw} is null", "''"))
    if col.kind != "text":
        checks.append(Check(col.name, _type_rule(col), f"{raw} is not null and {parsed} is null", raw))
    if col.min is not None or col.max is not None:
        lo = f"{parsed} < {col.min}" if col.min is not None else "false"
        hi = f"{parsed} > {col.max}" if col.max is not None else "false"
        rng = f"range: {col.min:g} to {col.max:g}" if col.min is not None and col.max is not None else "range"
        checks.append(Check(col.name, rng, f"({lo} or {hi})", raw))
    if col.pattern:
        checks.append(
            Check(col.name, f"format: must match {col.pattern}",
                  f"{raw} is not null and not regexp_full_match({raw}, {lit(col.pattern)})", raw)
        )
    if col.pattern == ACADEMIC_YEAR_PATTERN:
        first = f"try_cast(split_part({raw}, '-', 1) as int)"
        second = f"try_cast(split_part({raw}, '-', 2) as int)"
        checks.append(
            Check(col.name, "academic year: the second year must follow the first (e.g. 2024-2025)",
                  f"regexp_full_match({raw}, {lit(col.pattern)}) and {second} <> {first} + 1", raw)
        )
    return checks


class Validator:
    """Runs the contract's checks on landed tables and collects defects.

    An entity may be read from a table typed as the loader types raw.<entity> instead (a file
    loaded before, see `read_typed`): `landed` and `parsed` give the same rows either way, so every
    check is one query whatever it reads.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.defects: list[Defect] = []
        self.warnings: list[Defect] = []
        self.typed: dict[str, str] = {}  # entity -> the typed table read instead of its landed one

    def read_typed(self, entity_name: str, table: str) -> None:
        """Read `entity_name` from `table`, which holds what the loader types from its landed table (the
        contract's columns, parsed, and `SOURCE_ROW_COLUMN`). The row rules read its parsed values, the
        references its columns that `reads_as_landed`; the column and key rules need the text itself."""
        self.typed[entity_name] = table

    def landed(self, ent: Entity) -> str:
        """The entity's rows as landed text: `_row` and the columns (of a typed table, those that
        `reads_as_landed`: a check of any other fails rather than judge a changed value)."""
        table = self.typed.get(ent.name)
        if table is None:
            return landed_table(ent.name)
        columns = "".join(f", {q(c.name)}" for c in ent.columns if reads_as_landed(c))
        return f"(select {q(SOURCE_ROW_COLUMN)} as _row{columns} from {table})"

    def parsed(self, ent: Entity, columns: list[str]) -> str:
        """The entity's rows with every contract column parsed (`columns`: those of its file's header)."""
        table = self.typed.get(ent.name)
        if table is not None:
            names = ", ".join(q(c.name) for c in ent.columns)
            return f"(select {q(SOURCE_ROW_COLUMN)} as _row, {names} from {table})"
        present = set(columns)
        exprs = ", ".join(f"{parse_expr(c, c.name in present)} as {q(c.name)}" for c in ent.columns)
        return f"(select _row, {exprs} from {landed_table(ent.name)})"

    def _collect(self, file: str, check: Check, table: str, into: list[Defect] | None = None) -> None:
        sql = f"""
            with bad as (
                select try_cast(_row as bigint) as row_no, coalesce({check.value}, '') as value
                from {table} where {check.broken}
            )
            select row_no, value, count(*) over () as n from bad order by row_no limit {LISTED_PER_RULE}
        """
        rows = self.con.execute(sql).fetchall()
        for i, (row_no, value, n) in enumerate(rows):
            rest = n - LISTED_PER_RULE + 1 if i == LISTED_PER_RULE - 1 and n > LISTED_PER_RULE else 1
            (self.defects if into is None else into).append(
                Defect(file, int(row_no), check.column, str(value), check.rule, rest))

    def check_entity(self, ent: Entity, file: str, columns: list[str]) -> None:
        """Header, value, row and key rules of one landed file."""
        present = set(columns)
        for col in ent.columns:
            if col.required and col.name not in present:
                self.defects.append(Defect(file, 1, col.name, "", "required column: missing from the header"))
        table = self.landed(ent)
        checks = self._broken_anywhere(table, [check for col in ent.columns
                                               for check in column_checks(col, col.name in present)])
        if checks:
            # only for the rules some value breaks (none in a clean extract), one scan of the file: the
            # rows breaking any of them with a flag and the shown value per rule; each rule then lists
            # its rows from these alone, exactly as it would from the whole file
            broken = f"_broken_{abs(hash((file, ent.name)))}"
            flags = ", ".join(f"coalesce({c.broken}, false) as b{i}, {c.value} as v{i}" for i, c in enumerate(checks))
            any_broken = " or ".join(f"coalesce({c.broken}, false)" for c in checks)
            self.con.execute(f"create or replace temp table {broken} as select _row, {flags} "
                             f"from {table} where {any_broken}")
            try:
                for i, c in enumerate(checks):
                    self._collect(file, Check(c.column, c.rule, f"b{i}", f"v{i}"), broken)
            finally:
                self.con.execute(f"drop table if exists {broken}")
        if all(k in present for k in ent.key):
            self._check_key(ent, file, table)

    def _broken_anywhere(self, table: str, checks: list[Check]) -> list[Check]:
        """The column rules some row of `table` breaks, in their order. Each rule reads its own column's
        value alone (`column_checks`), so it is judged once per distinct value of that column, not once
        per row: far fewer values to parse and match on a file of millions of rows. (The rules are
        aggregated over the distinct values: as a filter, DuckDB would push them down onto every row.)"""
        by_column: dict[str, list[int]] = {}
        for i, c in enumerate(checks):
            by_column.setdefault(c.column, []).append(i)
        if not by_column:
            return []
        parts = [
            f"select {j} as j, [{', '.join(f'bool_or(coalesce({checks[i].broken}, false))' for i in rules)}] as b "
            f"from (select distinct {q(column)} from {table})"
            for j, (column, rules) in enumerate(by_column.items())
        ]
        rules_of = list(by_column.values())
        broken = {rules_of[j][k] for j, flags in self.con.execute(" union all ".join(parts)).fetchall()
                  for k, flag in enumerate(flags) if flag}
        return [c for i, c in enumerate(checks) if i in broken]

    def check_rows(self, ent: Entity, file: str, columns: list[str], context: RuleContext) -> None:
        """The entity's row rules on its parsed values (run once every file is landed, since a
        rule may name the extract date). Rows whose values did not parse are not judged here:
        their type defects already say why."""
        present = set(columns)
        parsed = self.parsed(ent, columns)
        sql, text = context.sql(), context.text()
        for r in ent.checks:
            if r.column not in present:
                continue
            check = Check(r.column, fill(r.rule, text), fill(r.broken, sql),
                          fill(r.shown, sql) if r.shown else f"cast({q(r.column)} as varchar)")
            self._collect(file, check, parsed, self.warnings if r.severity == "warning" else None)

    def _check_key(self, ent: Entity, file: str, table: str) -> None:
        keys = ", ".join(text_expr(k) for k in ent.key)
        shown = " || ' | ' || ".join(f"coalesce({text_expr(k)}, '')" for k in ent.key)
        dup = (
            f"(select _row, {shown} as key_text, count(*) over (partition by {keys}) as n_same, "
            f"row_number() over (partition by {keys} order by try_cast(_row as bigint)) as nth from {table})"
        )
        # a hash aggregate finds whether any key repeats far faster than ranking every row, and a
        # clean extract has none: only then are the repeats ranked to name their rows. It first groups
        # by one 64-bit hash of the key (at 200,000 students 1.4 s against 3.3 s of CPU on the grades'
        # five texts): equal keys hash equal, so no repeated hash means no repeated key; a repeated
        # hash (a repeated key, or two keys of one hash) is then looked for on the keys themselves
        for group_by in (f"hash({keys})", keys):
            repeat = f"select 1 from {table} group by {group_by} having count(*) > 1 limit 1"
            if self.con.execute(repeat).fetchone() is None:
                return
        rule = f"unique key ({', '.join(ent.key)}): the same key is on an earlier row"
        self._collect(file, Check(", ".join(ent.key), rule, "n_same > 1 and nth > 1", "key_text"), dup)

    def check_reference(self, ent: Entity, file: str, col: Column) -> None:
        """Every non-empty value must exist in the referenced file's column."""
        assert col.references is not None
        target_ent, target_col = col.references
        raw = text_expr(col.name)
        keys = f"(select distinct {text_expr(target_col)} as k from {self.landed(entity(target_ent))})"
        # asked of the column's distinct values first (a clean extract has no missing one): a file of
        # millions of rows holds far fewer distinct values; only then are the rows that hold one listed
        missing = (f"select 1 from (select distinct {raw} as v from {self.landed(ent)}) t "
                   f"anti join {keys} r on t.v = r.k where t.v is not null limit 1")
        if self.con.execute(missing).fetchone() is None:
            return
        sql_from = (
            f"(select t._row, {raw} as v from {self.landed(ent)} t "
            f"anti join {keys} r on {raw} = r.k "
            f"where {raw} is not null)"
        )
        rule = f"reference: must exist in {target_ent}.{target_col}"
        self._collect(file, Check(col.name, rule, "true", "v"), sql_from)
