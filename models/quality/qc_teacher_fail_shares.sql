-- One row per teacher and main session (terms 1 and 2) with enough graded results: the
-- share of FX and F among first attempts. Summer terms gather the students re-studying
-- failed disciplines, so their share says nothing about the teacher.
select
    academic_year,
    term,
    teacher_id,
    sum(n_graded) as n_graded,
    (sum(n_fx) + sum(n_f)) / sum(n_graded) as fail_share
from main.fct_attestation_results
where
    teacher_id is not null
    and term in (select term from reference.terms where is_regular_semester)
group by academic_year, term, teacher_id
having sum(n_graded) >= {{ var('teacher_fail_share_min_graded') }}
order by academic_year, term, teacher_id
