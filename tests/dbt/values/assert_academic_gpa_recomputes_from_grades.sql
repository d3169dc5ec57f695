-- The GPA of every student and term recomputed apart from the GPA models (rules B6, B7): from the
-- graded attempts of fct_grades and the points of the scale in use, not from the models' sums.
-- Per student (rules C8): a student's verdict reads that student's rows of the two marts (every window and
-- group is by student) and the scale, so a nightly build tests the changed students only
-- (macros/tests/changed_students_tested.sql).
with grades as (
    select * from {{ ref('fct_grades') }}
    where {{ changed_students_tested('student_id') }}
),

scale as (
    select * from {{ ref('grade_scale') }}
    where scale_version = '{{ var("grade_scale_version") }}'
),

student_terms as (
    select * from {{ ref('fct_student_terms') }}
    where {{ changed_students_tested('student_id') }}
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

disciplines as (
    -- each discipline of a student's record, with its last attempt: when all its attempts are of one
    -- term (all but a few per cent), that attempt is the discipline's record for that term and for
    -- every term after it, and its rows need no sorting by term
    select
        student_id,
        discipline_code,
        min(term_seq) as term_seq,
        count(*) = count(term_seq) and min(term_seq) = max(term_seq) as is_one_term,
        arg_max(credits, attempt_seq) as credits,
        arg_max(grade_points, attempt_seq) as grade_points
    from graded
    group by student_id, discipline_code
),

several_terms_graded as (
    -- the attempts of the disciplines attempted in more than one term
    select graded.*
    from graded
    inner join disciplines
        on
            graded.student_id is not distinct from disciplines.student_id
            and graded.discipline_code is not distinct from disciplines.discipline_code
    where not disciplines.is_one_term
),

several_terms_results as (
    -- a term's own record: each discipline's last attempt of that term
    select
        student_id,
        discipline_code,
        term_seq,
        arg_max(credits, attempt_seq) as credits,
        arg_max(grade_points, attempt_seq) as grade_points
    from several_terms_graded
    group by student_id, discipline_code, term_seq
),

term_changes as (
    -- each discipline's record of a term (its last attempt there), and what it changes in the record
    -- through the term: from a term with an attempt on, that attempt's credits and points replace the
    -- ones the discipline had before (a discipline of one term had none before)
    select
        student_id,
        term_seq,
        credits * grade_points as term_quality_points,
        credits as term_credits,
        credits * grade_points - 0 as quality_points_change,
        credits - 0 as credits_change
    from disciplines
    where is_one_term
    union all
    select
        student_id,
        term_seq,
        credits * grade_points as term_quality_points,
        credits as term_credits,
        credits * grade_points - coalesce(lag(credits * grade_points) over by_term, 0) as quality_points_change,
        credits - coalesce(lag(credits) over by_term, 0) as credits_change
    from several_terms_results
    window by_term as (partition by student_id, discipline_code order by term_seq)
    union all
    -- every term of the mart, also one whose own results are all out of GPA (no term GPA)
    select
        student_id,
        term_seq,
        null as term_quality_points,
        null as term_credits,
        0 as quality_points_change,
        0 as credits_change
    from student_terms
),

recomputed as (
    -- the term's own results, and the record through the term: the changes up to and including it
    select
        student_id,
        term_seq,
        sum(term_quality_points) / nullif(sum(term_credits), 0) as term_gpa,
        sum(sum(quality_points_change)) over by_student
        / nullif(sum(sum(credits_change)) over by_student, 0) as cumulative_gpa
    from term_changes
    group by student_id, term_seq
    window by_student as (partition by student_id order by term_seq)
),

compared as (
    select
        student_terms.student_id,
        student_terms.academic_year,
        student_terms.term,
        student_terms.term_gpa,
        student_terms.cumulative_gpa,
        recomputed.term_gpa as term_gpa_recomputed,
        recomputed.cumulative_gpa as cumulative_gpa_recomputed
    from student_terms
    left join recomputed
        on
            student_terms.student_id = recomputed.student_id
            and student_terms.term_seq = recomputed.term_seq
),

published as (
    select
        student_id,
        academic_year,
        term,
        'term_gpa' as gpa_column,
        term_gpa as gpa_in_mart,
        term_gpa_recomputed as gpa_recomputed
    from compared
    union all
    select
        student_id,
        academic_year,
        term,
        'cumulative_gpa' as gpa_column,
        cumulative_gpa as gpa_in_mart,
        cumulative_gpa_recomputed as gpa_recomputed
    from compared
)

select * from published
where
    (gpa_in_mart is null) != (gpa_recomputed is null)
    or abs(gpa_in_mart - gpa_recomputed) > 0.000001
