-- One row per session, discipline and group that has results: how many of those results
-- belong to a student registered for the discipline in that term. The group is the one of
-- the registration, or the student's current group when there is none.
select
    g.academic_year,
    g.term,
    g.discipline_code,
    coalesce(e.group_code, s.group_code, '(no group)') as group_code,
    count(*) as n_results,
    count(e.student_id) as n_enrolled
from main.fct_grades as g
inner join staging.stg_ais__students as s on g.student_id = s.student_id
left join staging.stg_ais__enrollments as e
    on
        g.student_id = e.student_id
        and g.discipline_code = e.discipline_code
        and g.academic_year = e.academic_year
        and g.term = e.term
where g.source = 'session'
group by all
order by all
