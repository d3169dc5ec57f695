-- One row per student, discipline of the student's plan and kind of gap: when the discipline fell
-- due and when the student passed it (null: not yet). Kind `plan`: a discipline of a semester the
-- student has completed (statute 4.3.6); kind `difference`: a discipline of a semester before the
-- course a student entered at by transfer or readmission (the academic difference, statute 4.1.3).
-- The report `plan_gaps --as-of D` lists the rows due by D and not passed by D.
with plans as (
    select * from {{ ref('int_student_plans') }}
    where {{ changed_students_only('student_id') }}
),

plan_disciplines as (
    select * from {{ ref('int_student_plan_disciplines') }}
    where {{ changed_students_only('student_id') }}
),

entrant_plan_disciplines as (
    -- the same plans, read again for the academic difference of the few late entrants: a CTE read
    -- twice is stored whole first (9.9 million rows at 200,000 students), two reads cost less
    select * from {{ ref('int_student_plan_disciplines') }}
    where {{ changed_students_only('student_id') }}
),

disciplines as (
    select * from {{ ref('dim_disciplines') }}
),

grades as (
    select * from {{ ref('fct_grades') }}
    where {{ changed_students_only('student_id') }}
),

student_terms as (
    -- the terms in which each student has a result (one row per student and term, as in fct_grades)
    select * from {{ ref('fct_student_terms') }}
    where {{ changed_students_only('student_id') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

movements as (
    select * from {{ ref('fct_contingent_movements') }}
    where {{ changed_students_only('student_id') }}
),

student_semesters as (
    -- the student's regular semesters with results, numbered on from the course the student
    -- entered at; a semester is completed when its exam period ends
    select
        plans.student_id,
        2 * (plans.entry_course - 1)
        + row_number() over (partition by plans.student_id order by terms.term_seq) as semester_no,
        coalesce(terms.exams_end_on, terms.ends_on) as completed_on
    from plans
    inner join student_terms on plans.student_id = student_terms.student_id
    inner join terms on student_terms.academic_year = terms.academic_year and student_terms.term = terms.term
    where terms.is_regular_semester
),

late_entries as (
    -- the latest entry (admission, transfer in, readmission: a headcount inflow) at a course above
    -- the first, whose earlier semesters are the academic difference
    select
        student_id,
        effective_date as entered_on,
        course_after as entered_course,
        movement as entry_movement
    from movements
    where is_headcount_inflow and course_after > 1
    qualify row_number() over (partition by student_id order by effective_date desc, replay_seq desc) = 1
),

passed_results as (
    -- the day each passed result (a session result or a recognition) counts from
    select
        grades.student_id,
        grades.discipline_code,
        grades.n_attempts,
        coalesce(grades.graded_on, terms.exams_end_on, terms.ends_on) as passed_on
    from grades
    left join terms on grades.academic_year = terms.academic_year and grades.term = terms.term
    where grades.is_passed
),

passed as (
    -- the first day the student had the discipline passed: a discipline with one attempt in all needs
    -- no grouping (its result is the only one)
    select
        student_id,
        discipline_code,
        passed_on
    from passed_results
    where n_attempts = 1
    union all
    select
        student_id,
        discipline_code,
        min(passed_on) as passed_on
    from passed_results
    where n_attempts > 1
    group by student_id, discipline_code
),

plan_due as (
    select
        plan_disciplines.student_id,
        plan_disciplines.discipline_code,
        plan_disciplines.semester_no,
        'plan' as gap_kind,
        student_semesters.completed_on as due_on,
        null as entry_movement
    from plan_disciplines
    inner join student_semesters
        on
            plan_disciplines.student_id = student_semesters.student_id
            and plan_disciplines.semester_no = student_semesters.semester_no
),

difference_due as (
    select
        entrant_plan_disciplines.student_id,
        entrant_plan_disciplines.discipline_code,
        entrant_plan_disciplines.semester_no,
        'difference' as gap_kind,
        late_entries.entered_on as due_on,
        late_entries.entry_movement
    from entrant_plan_disciplines
    inner join late_entries on entrant_plan_disciplines.student_id = late_entries.student_id
    where entrant_plan_disciplines.semester_no <= 2 * (late_entries.entered_course - 1)
),

due as (
    select * from plan_due
    union all
    select * from difference_due
)

select
    due.student_id,
    due.discipline_code,
    due.gap_kind,
    due.semester_no,
    disciplines.credits,
    due.due_on,
    passed.passed_on,
    due.entry_movement
from due
left join disciplines on due.discipline_code = disciplines.discipline_code
left join passed on due.student_id = passed.student_id and due.discipline_code = passed.discipline_code
where due.due_on is not null
