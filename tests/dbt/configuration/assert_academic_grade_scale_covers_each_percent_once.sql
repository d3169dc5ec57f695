-- Checks: every whole percent 0..100 falls in exactly one letter of the scale version in use (var grade_scale_version).
-- Matters: a gap leaves a final score without a letter; an overlap gives it two — after editing seeds/grade_scale.csv.
-- Resolve: fix min_percent / max_percent of the listed percents in seeds/grade_scale.csv (or the var), then refresh.
with scale as (
    select * from {{ ref('grade_scale') }}
    where scale_version = '{{ var("grade_scale_version") }}'
),

percents as (
    select range as final_score from range(0, 101)
)

select
    percents.final_score,
    count(scale.letter_grade) as n_letters
from percents
left join scale on percents.final_score between scale.min_percent and scale.max_percent
group by percents.final_score
having count(scale.letter_grade) != 1
