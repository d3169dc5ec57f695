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
        student_terms.student_id,
        student_terms.term_seq,
        graded.credits,
        graded.grade_points
    from student_terms
    inner join graded
        on
            student_terms.student_id = graded.student_id
            and student_terms.term_seq = graded.term_seq
    qualify row_number() over (
        partition by student_terms.student_id, student_terms.term_seq, graded.discipline_code
        order by graded.attempt_seq desc
    ) = 1
),

cumulative_results as (
    -- the record through a term: each discipline's last attempt up to and including it
    select
        student_terms.student_id,
        student_terms.term_seq,
        graded.credits,
        graded.grade_points
    from student_terms
    inner join graded
        on
            student_terms.student_id = graded.student_id
            and student_terms.term_seq >= graded.term_seq
    qualify row_number() over (
        partition by student_terms.student_id, student_terms.term_seq, graded.discipline_code
        order by graded.attempt_seq desc
    ) = 1
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
        sum(credits * grade_points) / nullif(sum(credits), 0) as gpa
    from cumulative_results
    group by student_id, term_seq
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
