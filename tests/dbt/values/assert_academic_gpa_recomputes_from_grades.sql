-- The GPA of every student and term recomputed apart from the GPA models (rules B6, B7): from the
-- graded attempts of fct_grades and the points of the scale in use, not from the models' sums.
with grades as (
    select * from {{ ref('fct_grades') }}
),

scale as (
    select * from {{ ref('grade_scale') }}
    where scale_version = '{{ var("grade_scale_version") }}'
),

student_terms as (
    select * from {{ ref('fct_student_terms') }}
),

graded as (
    -- every attempt that counts in GPA, with the points its letter has on the scale (F and FX: 0 and 0.5)
    select
        grades.student_id,
        grades.discipline_code,
        grades.term_seq,
        grades.attempt_seq,
        grades.credits,
        scale.grade_points
    from grades
    inner join scale on grades.letter_grade = scale.letter_grade
    where grades.counts_in_gpa
),

term_results as (
    -- a term's own record: each discipline's last attempt of that term
    select
        student_id,
        discipline_code,
        term_seq,
        arg_max(credits, attempt_seq) as credits,
        arg_max(grade_points, attempt_seq) as grade_points
    from graded
    group by student_id, discipline_code, term_seq
),

standing_changes as (
    -- the record through a term holds each discipline's last attempt up to it: from a term with an
    -- attempt on, that attempt's credits and points replace the ones the discipline had before
    select
        student_id,
        term_seq,
        credits * grade_points - coalesce(lag(credits * grade_points) over by_term, 0) as quality_points_change,
        credits - coalesce(lag(credits) over by_term, 0) as credits_change
    from term_results
    window by_term as (partition by student_id, discipline_code order by term_seq)
    union all
    -- every term of the mart, also one whose own results are all out of GPA
    select
        student_id,
        term_seq,
        0 as quality_points_change,
        0 as credits_change
    from student_terms
),

cumulative_results as (
    -- the record through each term: the changes up to and including it, summed
    select
        student_id,
        term_seq,
        sum(sum(quality_points_change)) over by_student as quality_points,
        sum(sum(credits_change)) over by_student as credits
    from standing_changes
    group by student_id, term_seq
    window by_student as (partition by student_id order by term_seq)
),

recomputed as (
    select
        'term_gpa' as gpa_column,
        student_id,
        term_seq,
        sum(credits * grade_points) / nullif(sum(credits), 0) as gpa
    from term_results
    group by student_id, term_seq
    union all
    select
        'cumulative_gpa' as gpa_column,
        student_id,
        term_seq,
        quality_points / nullif(credits, 0) as gpa
    from cumulative_results
),

published as (
    select
        'term_gpa' as gpa_column,
        student_id,
        academic_year,
        term,
        term_seq,
        term_gpa as gpa
    from student_terms
    union all
    select
        'cumulative_gpa' as gpa_column,
        student_id,
        academic_year,
        term,
        term_seq,
        cumulative_gpa as gpa
    from student_terms
)

select
    published.student_id,
    published.academic_year,
    published.term,
    published.gpa_column,
    published.gpa as gpa_in_mart,
    recomputed.gpa as gpa_recomputed
from published
left join recomputed
    on
        published.gpa_column = recomputed.gpa_column
        and published.student_id = recomputed.student_id
        and published.term_seq = recomputed.term_seq
where
    (published.gpa is null) != (recomputed.gpa is null)
    or abs(published.gpa - recomputed.gpa) > 0.000001
