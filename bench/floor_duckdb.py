"""The DuckDB floor: the same core numbers as bench/reference_pandas.py, as plain SQL in one DuckDB
process straight from the extract CSVs (no dbt, no contract checks, no tests, nothing stored).

    python bench/floor_duckdb.py EXTRACT_DIR OUT_DIR

It is the least work that gives the numbers on this machine: the warehouse is reported as a
multiple of it. The rules are the models' own (rules B1-B10, B12), read from the same seeds and vars.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

import policy


def _csv(path: Path) -> str:
    return f"read_csv('{path}', header = true, all_varchar = true)"


def main(argv: list[str]) -> int:
    src, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    v = policy.dbt_vars()
    con = duckdb.connect()
    for seed in ("grade_scale", "terms", "movement_types", "contingent_statuses"):
        con.execute(f"create view {seed} as select * from read_csv('{policy.seed_path(seed)}', header = true)")
    con.execute(f"""
        create temp table record as
        with disc as (
            select discipline_code, credits::int as credits, assessment = 'pass_fail' as pass_fail,
                lower(counts_in_gpa) <> 'false' and assessment <> 'pass_fail' as counts_in_gpa
            from {_csv(src / 'disciplines.csv')}
        ),
        scale as (select * from grade_scale where scale_version = {v['grade_scale_version']}),
        g as (
            select g.student_id, g.discipline_code, g.academic_year, g.term, g.attempt::int as attempt,
                (g.rk1::decimal(9, 2) + g.rk2::decimal(9, 2)) * 0.5 as rating, g.exam::decimal(9, 2) as exam,
                d.credits, d.pass_fail, d.counts_in_gpa,
                left(g.academic_year, 4)::int * 10 + t.term_order as term_seq
            from {_csv(src / 'grades.csv')} g
            join disc d using (discipline_code) join terms t on g.term = t.term
        ),
        scored as (
            select *,
                round({v['final_score_rating_weight']}::decimal(9, 4) * rating
                      + {v['final_score_exam_weight']}::decimal(9, 4) * coalesce(exam, 0), 0)::int as final_score,
                case when rating < {v['admission_rating_min']} then 'not_admitted' when exam is null then 'no_show'
                     when exam < {v['exam_pass_min']} then 'exam_below_min' when pass_fail then 'pass_fail'
                     else 'scale' end as basis
            from g
        ),
        session as (
            select scored.*, case
                when pass_fail and basis = 'pass_fail' and final_score >= {v['pass_fail_min_score']}
                    then '{v['letter_pass']}'
                when pass_fail then '{v['letter_pass_fail_failed']}'
                when basis = 'not_admitted' then '{v['letter_not_admitted']}'
                when basis = 'no_show' then '{v['letter_no_show']}'
                when basis = 'exam_below_min' then '{v['letter_exam_below_min']}'
                else s.letter_grade end as letter_grade
            from scored left join scale s on final_score between s.min_percent and s.max_percent
        ),
        rec as (
            select r.protocol_no, r.protocol_date::date as protocol_date, r.student_id, r.discipline_code,
                r.academic_year, r.term, r.credits::int as credits, d.credits as discipline_credits,
                r.final_score::decimal(9, 2) as given, round(r.final_score::decimal(9, 2), 0)::int as final_score,
                d.pass_fail, d.counts_in_gpa, left(r.academic_year, 4)::int * 10 + t.term_order as term_seq
            from {_csv(src / 'recognitions.csv')} r
            join disc d using (discipline_code) join terms t on r.term = t.term
        ),
        rec_lettered as (
            select rec.*, s.letter_grade as scale_letter, case
                when pass_fail and final_score >= {v['pass_fail_min_score']} then '{v['letter_pass']}'
                when pass_fail then '{v['letter_pass_fail_failed']}' else s.letter_grade end as letter_grade
            from rec left join scale s on final_score between s.min_percent and s.max_percent
        ),
        graded as (
            select x.*, s.grade_points,
                x.letter_grade = '{v['letter_pass']}' or coalesce(s.is_passing, false) as is_passed
            from (select student_id, discipline_code, academic_year, term, term_seq, attempt, credits,
                         counts_in_gpa, letter_grade, 'session' as source, null::varchar as protocol_no,
                         null::date as protocol_date, true as line_ok
                  from session
                  union all by name
                  select student_id, discipline_code, academic_year, term, term_seq, 1 as attempt, credits,
                         counts_in_gpa, letter_grade, 'recognised' as source, protocol_no, protocol_date,
                         credits = discipline_credits and given between 0 and 100
                         and (pass_fail or scale_letter is not null) as line_ok
                  from rec_lettered) x
            left join scale s on x.letter_grade = s.letter_grade and x.letter_grade <> '{v['letter_pass']}'
        ),
        checked as (
            select r.*, not r.line_ok
                or exists (select 1 from graded s where s.source = 'session' and s.student_id = r.student_id
                           and s.discipline_code = r.discipline_code and s.academic_year = r.academic_year
                           and s.term = r.term)
                or exists (select 1 from graded s where s.source = 'session' and s.is_passed
                           and s.student_id = r.student_id and s.discipline_code = r.discipline_code
                           and s.term_seq <= r.term_seq)
                or exists (select 1 from graded e where e.source = 'recognised' and e.is_passed and e.line_ok
                           and e.student_id = r.student_id and e.discipline_code = r.discipline_code
                           and (r.protocol_date, r.protocol_no) > (e.protocol_date, e.protocol_no))
                or row_number() over (partition by student_id, discipline_code, academic_year, term
                                      order by protocol_date, protocol_no) > 1 as issue
            from graded r where source = 'recognised'
        )
        select student_id, discipline_code, academic_year, term, term_seq, attempt, source, credits,
            grade_points, counts_in_gpa, is_passed
        from graded where source = 'session'
        union all
        select student_id, discipline_code, academic_year, term, term_seq, attempt, source, credits,
            grade_points, counts_in_gpa, is_passed
        from checked
        qualify not bool_or(issue) over (partition by protocol_no, student_id)
    """)
    con.execute(f"""
        copy (
            with last as (
                select *, lead(term_seq) over (partition by student_id, discipline_code order by term_seq, attempt)
                    as next_seq
                from record
                qualify row_number() over (partition by student_id, discipline_code, term_seq
                                           order by attempt desc) = 1
            ),
            term as (
                select student_id, academic_year, term, term_seq, sum(credits) as credits_attempted,
                    coalesce(sum(credits) filter (where is_passed), 0) as credits_earned,
                    (sum(credits * grade_points) filter (where counts_in_gpa)
                     / nullif(sum(credits) filter (where counts_in_gpa), 0))::double as term_gpa
                from last group by all
            ),
            cum as (
                select t.student_id, t.term_seq, sum(l.credits) as cumulative_credits_attempted,
                    coalesce(sum(l.credits) filter (where l.is_passed), 0) as cumulative_credits_earned,
                    (sum(l.credits * l.grade_points) filter (where l.counts_in_gpa)
                     / nullif(sum(l.credits) filter (where l.counts_in_gpa), 0))::double as cumulative_gpa
                from term t join last l on t.student_id = l.student_id and l.term_seq <= t.term_seq
                    and (l.next_seq is null or t.term_seq < l.next_seq)
                group by all
            )
            select student_id, academic_year, term, credits_attempted, credits_earned, term_gpa,
                cumulative_credits_attempted, cumulative_credits_earned, cumulative_gpa
            from term join cum using (student_id, term_seq)
        ) to '{out / 'student_terms.parquet'}' (format parquet)
    """)
    con.execute(f"""
        copy (
            with first as (
                select student_id, discipline_code, academic_year, term, arg_min(is_passed, attempt) as is_passed
                from record where source = 'session' group by all
            )
            select f.academic_year, f.term, f.discipline_code, e.group_code,
                count(*) as n_graded, count(*) filter (where f.is_passed) as n_passed
            from first f left join {_csv(src / 'enrollments.csv')} e
                using (student_id, discipline_code, academic_year, term)
            group by all
        ) to '{out / 'attestation.parquet'}' (format parquet)
    """)
    census = str(v["census_month_day"])
    con.execute(f"""
        copy (
            with o as (
                select o.*, m.status_after, m.is_headcount_inflow,
                    row_number() over (partition by student_id order by effective_date::date, order_date::date,
                        try_cast(nullif(regexp_extract(order_no, '^\\s*([0-9]+)', 1), '') as bigint) nulls last,
                        order_no, m.sequence_in_order, o.movement) as seq
                from {_csv(src / 'orders.csv')} o left join movement_types m using (movement)
            ),
            carried as (
                select student_id, effective_date::date as day, seq,
                    last_value(status_after ignore nulls) over w as status,
                    last_value(nullif(program_code, '') ignore nulls) over w as program_code,
                    bool_or(is_headcount_inflow) over w as entered
                from o window w as (partition by student_id order by seq)
            ),
            days as (
                select * from carried where entered
                qualify row_number() over (partition by student_id, day order by seq desc) = 1
            ),
            periods as (
                select *, lead(day) over (partition by student_id order by day) as until from days
            ),
            bounds as (
                select (select min(day) from days) as first_day,
                    greatest((select max(effective_date::date) from o),
                             (select max(ends_on::date) from {_csv(src / 'calendar.csv')})) as last_day
            ),
            census as (
                select (y::varchar || '-{census}')::date as snapshot_date
                from bounds, generate_series(year(first_day), year(last_day)) as s (y)
                where (y::varchar || '-{census}')::date between first_day and last_day(last_day)
            )
            select c.snapshot_date, p.program_code, count(*) as headcount
            from census c join periods p on c.snapshot_date >= p.day
                and c.snapshot_date < coalesce(p.until, date '9999-12-31')
            join contingent_statuses s on p.status = s.status and s.counts_in_headcount
            group by all
        ) to '{out / 'headcount.parquet'}' (format parquet)
    """)
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
