-- The grade scale printed under a transcript (rules B1, B28): one row per letter of the scale in use
-- (var grade_scale_version, seed grade_scale), best first, with its points, the range of final scores
-- that earns it and the traditional grade in each language (seed traditional_grades).
with scale as (
    select * from {{ ref('grade_scale') }}
    where scale_version = {{ academic_text_var('grade_scale_version') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
),

final as (
    select
        scale.letter_grade,
        scale.sort_order,
        scale.grade_points,
        scale.min_percent,
        scale.max_percent,
        scale.is_passing,
        coalesce(traditional_grades.label_kk, scale.traditional_grade) as traditional_grade_kk,
        coalesce(traditional_grades.label_ru, scale.traditional_grade) as traditional_grade_ru,
        coalesce(traditional_grades.label_en, scale.traditional_grade) as traditional_grade_en
    from scale
    left join traditional_grades on scale.traditional_grade = traditional_grades.traditional_grade
)

select * from final
