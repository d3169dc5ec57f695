-- One row per recognition line (protocol × student × discipline): the letter its given score
-- carries, every check of rule 4.1.16 it fails, and whether it counts in the record. Per student
-- (rules C8): no source row (fct_recognition_lines adds it), every check reads the student's own rows.
with recognitions as (
    select * from {{ ref('stg_ais__recognitions') }}
    where {{ changed_students_only('student_id') }}
),

disciplines as (
    select * from {{ ref('stg_ais__disciplines') }}
),

curriculum as (
    select * from {{ ref('stg_ais__curriculum') }}
),

plans as (
    select * from {{ ref('int_student_plans') }}
    where {{ changed_students_only('student_id') }}
),

session_grades as (
    -- only the students with a recognition line (of the changed students in a nightly build): the checks
    -- below look up no one else's results
    select * from {{ ref('int_grades_scored') }}
    where
        {{ changed_students_only('student_id', named=true) }}
        and student_id in (select recognitions.student_id from recognitions)
),

terms as (
    select * from {{ ref('terms') }}
),

scale as (
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
        recognitions.protocol_no,
        recognitions.protocol_date,
        recognitions.student_id,
        recognitions.discipline_code,
        recognitions.academic_year,
        recognitions.academic_year_start,
        recognitions.term,
        terms.term_order,
        {{ academic_term_seq('recognitions.academic_year_start', 'terms.term_order') }} as term_seq,
        recognitions.credits,
        disciplines.credits as discipline_credits,
        recognitions.final_score as given_score,
        recognitions.origin,
        recognitions.original_grade,
        coalesce(disciplines.assessment, 'graded') as assessment,
        coalesce(disciplines.is_final_attestation, false) as is_final_attestation,
        coalesce(disciplines.counts_in_gpa, true) and coalesce(disciplines.assessment, 'graded') = 'graded'
            as counts_in_gpa,
        -- B4: a recognised score carries through the same half-up rounding and scale
        {{ academic_round_score('recognitions.final_score') }} as final_score
    from recognitions
    inner join disciplines on recognitions.discipline_code = disciplines.discipline_code
    inner join terms on recognitions.term = terms.term
),

lettered as (
    select
        rated.*,
        by_score.letter_grade as scale_letter,
        case
            when
                rated.assessment = 'pass_fail'
                and rated.final_score >= {{ academic_decimal_var('pass_fail_min_score') }}
                then {{ academic_text_var('letter_pass') }}
            when rated.assessment = 'pass_fail' then {{ academic_text_var('letter_pass_fail_failed') }}
            else by_score.letter_grade
        end as letter_grade
    from rated
    left join scale_by_percent as by_score on rated.final_score = by_score.whole_percent
),

graded as (
    select
        lettered.*,
        by_letter.grade_points,
        case
            when lettered.letter_grade = {{ academic_text_var('letter_pass') }} then 'pass'
            else by_letter.traditional_grade
        end as traditional_grade,
        coalesce(lettered.letter_grade = {{ academic_text_var('letter_pass') }}, false)
        or coalesce(by_letter.is_passing, false) as is_passed
    from lettered
    left join scale as by_letter
        on
            lettered.letter_grade = by_letter.letter_grade
            and lettered.letter_grade != {{ academic_text_var('letter_pass') }}
),

in_curriculum as (
    -- the recognised disciplines that are in the student's curriculum: only those pairs are looked
    -- up below, so the curriculum is not expanded for every student
    select distinct
        recognitions.student_id,
        recognitions.discipline_code
    from recognitions
    inner join plans on recognitions.student_id = plans.student_id
    inner join curriculum
        on
            plans.program_code = curriculum.program_code
            and plans.curriculum_intake_year = curriculum.intake_year
            and recognitions.discipline_code = curriculum.discipline_code
),

session_in_term as (
    select distinct
        student_id,
        discipline_code,
        academic_year,
        term
    from session_grades
),

session_passes as (
    select
        student_id,
        discipline_code,
        min({{ academic_term_seq('academic_year_start', 'term_order') }}) as first_pass_term_seq
    from session_grades
    where is_passed
    group by student_id, discipline_code
),

base_checked as (
    -- the checks that look only at the line itself
    select
        graded.*,
        graded.credits != graded.discipline_credits as is_credits_mismatch,
        in_curriculum.discipline_code is null as is_not_in_curriculum,
        graded.given_score < 0 or graded.given_score > 100
        or (graded.assessment = 'graded' and graded.scale_letter is null) as is_score_out_of_range,
        session_in_term.discipline_code is not null as is_same_term_as_session_result,
        coalesce(session_passes.first_pass_term_seq <= graded.term_seq, false) as is_passed_in_session,
        row_number() over (
            partition by graded.student_id, graded.discipline_code, graded.academic_year, graded.term
            order by graded.protocol_date, graded.protocol_no
        ) > 1 as is_recognised_twice_in_term
    from graded
    left join in_curriculum
        on
            graded.student_id = in_curriculum.student_id
            and graded.discipline_code = in_curriculum.discipline_code
    left join session_in_term
        on
            graded.student_id = session_in_term.student_id
            and graded.discipline_code = session_in_term.discipline_code
            and graded.academic_year = session_in_term.academic_year
            and graded.term = session_in_term.term
    left join session_passes
        on
            graded.student_id = session_passes.student_id
            and graded.discipline_code = session_passes.discipline_code
),

earlier_recognised_passes as (
    -- lines already passed by an earlier protocol whose own line checks hold
    select distinct
        later.protocol_no,
        later.student_id,
        later.discipline_code
    from base_checked as later
    inner join base_checked as earlier
        on
            later.student_id = earlier.student_id
            and later.discipline_code = earlier.discipline_code
            and (
                later.protocol_date > earlier.protocol_date
                or (later.protocol_date = earlier.protocol_date and later.protocol_no > earlier.protocol_no)
            )
    where
        earlier.is_passed
        and not earlier.is_credits_mismatch
        and not earlier.is_not_in_curriculum
        and not earlier.is_score_out_of_range
),

line_checked as (
    select
        base_checked.*,
        base_checked.is_passed_in_session or earlier_recognised_passes.protocol_no is not null as is_already_passed
    from base_checked
    left join earlier_recognised_passes
        on
            base_checked.protocol_no = earlier_recognised_passes.protocol_no
            and base_checked.student_id = earlier_recognised_passes.student_id
            and base_checked.discipline_code = earlier_recognised_passes.discipline_code
),

with_issues as (
    select
        *,
        concat_ws(
            ', ',
            case when is_credits_mismatch then 'credits_mismatch' end,
            case when is_not_in_curriculum then 'not_in_curriculum' end,
            case when is_score_out_of_range then 'score_out_of_range' end,
            case when is_already_passed then 'already_passed' end,
            case when is_same_term_as_session_result then 'same_term_as_session_result' end,
            case when is_recognised_twice_in_term then 'recognised_twice_in_term' end
        ) as line_issues,
        is_credits_mismatch or is_not_in_curriculum or is_score_out_of_range or is_already_passed
        or is_same_term_as_session_result or is_recognised_twice_in_term as has_line_issues
    from line_checked
),

protocol_scope as (
    -- rule 4.1.16 as configured: with scope "protocol" one failing line voids the student's other
    -- lines of the same protocol
    select
        *,
        bool_or(has_line_issues) over (partition by protocol_no, student_id) as protocol_has_issues
    from with_issues
)

select
    protocol_no,
    protocol_date,
    student_id,
    discipline_code,
    academic_year,
    academic_year_start,
    term,
    term_order,
    term_seq,
    credits,
    discipline_credits,
    given_score,
    final_score,
    origin,
    original_grade,
    assessment,
    is_final_attestation,
    counts_in_gpa,
    letter_grade,
    grade_points,
    traditional_grade,
    is_passed,
    is_credits_mismatch,
    is_not_in_curriculum,
    is_score_out_of_range,
    is_already_passed,
    is_same_term_as_session_result,
    is_recognised_twice_in_term,
    nullif(line_issues, '') as line_issues,
    not has_line_issues
    and {{ academic_text_var('recognition_issue_scope') }} = 'protocol'
    and protocol_has_issues as is_voided_by_protocol,
    not has_line_issues
    and not ({{ academic_text_var('recognition_issue_scope') }} = 'protocol' and protocol_has_issues) as is_counted
from protocol_scope
