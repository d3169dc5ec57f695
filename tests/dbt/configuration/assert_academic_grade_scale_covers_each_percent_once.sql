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
