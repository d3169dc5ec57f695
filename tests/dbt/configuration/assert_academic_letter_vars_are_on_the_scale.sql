with scale as (
    select letter_grade from {{ ref('grade_scale') }}
    where scale_version = '{{ var("grade_scale_version") }}'
),

named as (
    select
        letters.var_name,
        letters.letter_grade,
        letters.must_be_on_scale
    from (
        values
        ('letter_not_admitted', '{{ var("letter_not_admitted") }}', true),
        ('letter_no_show', '{{ var("letter_no_show") }}', true),
        ('letter_exam_below_min', '{{ var("letter_exam_below_min") }}', true),
        ('letter_pass_fail_failed', '{{ var("letter_pass_fail_failed") }}', true),
        ('honours_lowest_letter', '{{ var("honours_lowest_letter") }}', true),
        {% for letter in var("honours_final_attestation_letters") -%}
            ('honours_final_attestation_letters', '{{ letter }}', true),
        {% endfor -%}
        ('letter_pass', '{{ var("letter_pass") }}', false)
    ) as letters (var_name, letter_grade, must_be_on_scale)
)

select named.*
from named
left join scale on named.letter_grade = scale.letter_grade
where (scale.letter_grade is not null) != named.must_be_on_scale
