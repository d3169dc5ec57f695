-- One row per teacher and session with enough graded results: the share of FX and F
-- among first attempts.
select
    academic_year,
    term,
    teacher_id,
    sum(n_graded) as n_graded,
    (sum(n_fx) + sum(n_f)) / sum(n_graded) as fail_share
from main.fct_attestation_results
where teacher_id is not null
group by academic_year, term, teacher_id
having sum(n_graded) >= {{ var('teacher_fail_share_min_graded') }}
order by academic_year, term, teacher_id
