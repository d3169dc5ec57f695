"""The bench's correctness check: the core numbers a reference computed (the pandas script or the
DuckDB floor, three Parquet files) against the same numbers read from the published marts.

Identical means: the same keys on both sides, equal counts and credits, and GPAs equal to 1e-9
(the marts keep GPA as DECIMAL(12, 10), the references as doubles).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# Each core number: the marts' query (one row per key), its key columns and its value columns.
MART_SQL = {
    "student_terms": """
        select student_id, academic_year, term, credits_attempted, credits_earned,
            term_gpa::double as term_gpa, cumulative_credits_attempted, cumulative_credits_earned,
            cumulative_gpa::double as cumulative_gpa
        from wh.main.fct_student_terms""",
    "attestation": """
        select academic_year, term, discipline_code, group_code,
            sum(n_graded)::bigint as n_graded, sum(n_passed)::bigint as n_passed
        from wh.main.fct_attestation_results group by all""",
    "headcount": """
        select snapshot_date, program_code, sum(headcount)::bigint as headcount
        from wh.main.fct_contingent_monthly where is_census_date group by all having sum(headcount) > 0""",
}
KEYS = {
    "student_terms": ["student_id", "academic_year", "term"],
    "attestation": ["academic_year", "term", "discipline_code", "group_code"],
    "headcount": ["snapshot_date", "program_code"],
}
VALUES = {
    "student_terms": ["credits_attempted", "credits_earned", "term_gpa", "cumulative_credits_attempted",
                      "cumulative_credits_earned", "cumulative_gpa"],
    "attestation": ["n_graded", "n_passed"],
    "headcount": ["headcount"],
}


def _same(column: str) -> str:
    if column.endswith("gpa"):
        return f"(m.{column} is null and r.{column} is null or abs(m.{column} - r.{column}) <= 1e-9)"
    return f"m.{column} is not distinct from r.{column}"


def compare(warehouse: Path, reference: Path, show: int = 3) -> dict[str, dict[str, object]]:
    """Per core number: rows in the marts and the reference, and the keys that differ (a sample)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse}' as wh (read_only)")
        out: dict[str, dict[str, object]] = {}
        for name, sql in MART_SQL.items():
            keys, values = KEYS[name], VALUES[name]
            ref = f"read_parquet('{reference / (name + '.parquet')}')"
            if name == "headcount":
                ref = f"(select * from {ref} where headcount > 0)"
            on = " and ".join(f"m.{k} is not distinct from r.{k}" for k in keys)
            differs = " or ".join(f"not {_same(c)}" for c in values)
            # a full join: a key on one side only, or a value that differs, is a mismatch
            diff = (f"select {', '.join(f'coalesce(m.{k}, r.{k}) as {k}' for k in keys)}, "
                    f"{', '.join(f'm.{c} as mart_{c}, r.{c} as ref_{c}' for c in values)} "
                    f"from ({sql}) m full join {ref} r on {on} "
                    f"where m.{keys[0]} is null and m.{keys[-1]} is null and r.{keys[0]} is not null "
                    f"or r.{keys[0]} is null and r.{keys[-1]} is null and m.{keys[0]} is not null "
                    f"or ({differs})")
            n_mart = con.execute(f"select count(*) from ({sql})").fetchone()[0]
            n_ref = con.execute(f"select count(*) from {ref}").fetchone()[0]
            n_diff = con.execute(f"select count(*) from ({diff})").fetchone()[0]
            sample = [list(map(str, row)) for row in con.execute(f"{diff} limit {show}").fetchall()]
            out[name] = {"mart_rows": n_mart, "reference_rows": n_ref, "mismatches": n_diff, "sample": sample}
        return out
    finally:
        con.close()


def matched(comparison: dict[str, dict[str, object]]) -> bool:
    return all(c["mismatches"] == 0 and c["mart_rows"] == c["reference_rows"] for c in comparison.values())
