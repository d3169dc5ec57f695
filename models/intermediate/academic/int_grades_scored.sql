-- One row per session attempt (grade sheet row): admission rating, final score and the letter
-- the rules give it, with the letter's points, traditional grade and whether it passes.
with grades as (
    select * from {{ ref('stg_ais__grades') }}
),

disciplines as (
    select * from {{ ref('stg_ais__disciplines') }}
),

terms as (
    select * from {{ ref('terms') }}
),

scale as (
    -- only the scale version in force (rules B1)
    select * from {{ ref('grade_scale') }}
    where scale_version = {{ academic_text_var('grade_scale_version') }}
),

scale_by_percent as (
    -- the letter of each whole percent the scale covers: a final score is a whole percent, so
    -- every grade finds its letter by an equi-join instead of a range join over the bands
    {{ academic_scale_by_percent('scale') }}
),

rated as (
    select
        grades.student_id,
        grades.discipline_code,
        grades.academic_year,
        grades.academic_year_start,
        grades.term,
        terms.term_order,
        grades.attempt,
        grades.rk1,
        grades.rk2,
        grades.exam,
        grades.graded_on,
        grades.source_row,
        disciplines.credits,
        coalesce(disciplines.assessment, 'graded') as assessment,
        coalesce(disciplines.is_final_attestation, false) as is_final_attestation,
        -- B5: pass/fail disciplines and those flagged counts_in_gpa = false stay out of GPA
        coalesce(disciplines.counts_in_gpa, true) and coalesce(disciplines.assessment, 'graded') = 'graded'
            as counts_in_gpa,
        -- B2: admission rating = (РК1 + РК2) / 2
        {{ academic_admission_rating('grades.rk1', 'grades.rk2') }} as admission_rating
    from grades
    inner join disciplines on grades.discipline_code = disciplines.discipline_code
    inner join terms on grades.term = terms.term
),

scored as (
    select
        *,
        -- B3: 0.6 × rating + 0.4 × exam, half up to a whole percent (no-show: exam counts as 0)
        {{ academic_final_score('admission_rating', 'exam') }} as final_score,
        -- B4: why the letter is what it is
        case
            when admission_rating < {{ academic_decimal_var('admission_rating_min') }} then 'not_admitted'
            when exam is null then 'no_show'
            when exam < {{ academic_decimal_var('exam_pass_min') }} then 'exam_below_min'
            when assessment = 'pass_fail' then 'pass_fail'
            else 'scale'
        end as grade_basis
    from rated
),

lettered as (
    select
        scored.*,
        case
            -- B5: a pass/fail discipline passes with a final score >= pass_fail_min_score once the
            -- B4 gates (admitted, sat the exam, exam >= the minimum) are met; otherwise it fails
            when
                scored.assessment = 'pass_fail' and scored.grade_basis = 'pass_fail'
                and scored.final_score >= {{ academic_decimal_var('pass_fail_min_score') }}
                then {{ academic_text_var('letter_pass') }}
            when scored.assessment = 'pass_fail' then {{ academic_text_var('letter_pass_fail_failed') }}
            -- B4: graded disciplines
            when scored.grade_basis = 'not_admitted' then {{ academic_text_var('letter_not_admitted') }}
            when scored.grade_basis = 'no_show' then {{ academic_text_var('letter_no_show') }}
            when scored.grade_basis = 'exam_below_min' then {{ academic_text_var('letter_exam_below_min') }}
            -- B1: the scale letter of the rounded final score
            else by_score.letter_grade
        end as letter_grade
    from scored
    left join scale_by_percent as by_score on scored.final_score = by_score.whole_percent
)

select
    lettered.student_id,
    lettered.discipline_code,
    lettered.academic_year,
    lettered.academic_year_start,
    lettered.term,
    lettered.term_order,
    lettered.attempt,
    lettered.rk1,
    lettered.rk2,
    lettered.exam,
    lettered.graded_on,
    lettered.credits,
    lettered.assessment,
    lettered.is_final_attestation,
    lettered.counts_in_gpa,
    lettered.admission_rating,
    lettered.final_score,
    lettered.grade_basis,
    lettered.letter_grade,
    by_letter.grade_points,
    case
        when lettered.letter_grade = {{ academic_text_var('letter_pass') }} then 'pass'
        else by_letter.traditional_grade
    end as traditional_grade,
    coalesce(lettered.letter_grade = {{ academic_text_var('letter_pass') }}, false)
    or coalesce(by_letter.is_passing, false) as is_passed,
    lettered.source_row
from lettered
left join scale as by_letter
    on
        lettered.letter_grade = by_letter.letter_grade
        and lettered.letter_grade != {{ academic_text_var('letter_pass') }}
