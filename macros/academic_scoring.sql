{#- Exact arithmetic for the academic record (docs/rules.md B2, B3, B7).
    Policy numbers come from dbt vars and are rendered as string literals cast to DECIMAL, so
    0.6 stays 0.6 instead of the nearest binary float, and 0.6 × 87.5 + 0.4 × 80 is exactly 84.5. -#}

{#- A numeric var as an exact decimal. -#}
{% macro academic_decimal_var(name, precision=9, scale=4) -%}
    cast('{{ var(name) }}' as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{#- A text var as a SQL string literal. -#}
{% macro academic_text_var(name) -%}
    '{{ var(name) }}'
{%- endmacro %}

{#- A list var as a SQL list of string literals, for `x in (...)`. -#}
{% macro academic_text_list_var(name) -%}
    ({%- for item in var(name) -%}'{{ item }}'{%- if not loop.last %}, {% endif -%}{%- endfor -%})
{%- endmacro %}

{#- B2: admission rating = (РК1 + РК2) / 2, as a decimal product so no binary float enters. -#}
{% macro academic_admission_rating(rk1, rk2) -%}
    (cast({{ rk1 }} + {{ rk2 }} as decimal(12, 4)) * 0.5)
{%- endmacro %}

{#- B3: final score = rating weight × rating + exam weight × exam, rounded half up to a whole
    percent. DuckDB's round() on a DECIMAL rounds half away from zero, which is half up for
    scores (never negative). A missing exam (no-show) counts as 0 in the score. -#}
{% macro academic_final_score(rating, exam) -%}
    cast(round(
        {{ academic_decimal_var('final_score_rating_weight') }} * {{ rating }}
        + {{ academic_decimal_var('final_score_exam_weight') }} * coalesce({{ exam }}, 0),
        0
    ) as integer)
{%- endmacro %}

{#- B4: a recognised or transferred score carries through the same rounding. -#}
{% macro academic_round_score(score) -%}
    cast(round(cast({{ score }} as decimal(12, 4)), 0) as integer)
{%- endmacro %}

{#- B6: one sortable number per term: academic year start × 10 + term order (1, 2, summer = 3). -#}
{% macro academic_term_seq(academic_year_start, term_order) -%}
    ({{ academic_year_start }} * 10 + {{ term_order }})
{%- endmacro %}

{#- B7: GPA = Σ(credits × points) / Σ credits, kept to 10 decimals (rounding to 2 is for display).
    DuckDB divides decimals as doubles; casting back to DECIMAL(12, 10) makes comparisons with
    thresholds such as 3.67 exact. Null when no credit counts in GPA. -#}
{% macro academic_gpa(quality_points, gpa_credits) -%}
    cast({{ quality_points }} / nullif({{ gpa_credits }}, 0) as decimal(12, 10))
{%- endmacro %}

{#- A4: the transfer GPA threshold of a course, read from the var transfer_gpa_thresholds
    ({"1": 1.33, ...}); null for a course the var does not name. -#}
{% macro academic_transfer_threshold(course) -%}
    cast(json_extract_string(
        cast('{{ tojson(var("transfer_gpa_thresholds")) }}' as json), '$."' || cast({{ course }} as varchar) || '"'
    ) as decimal(6, 4))
{%- endmacro %}

{#- B1: the scale's letter of every whole percent its bands cover, one row per percent and band,
    from the scale rows in `scale`. A final score is a whole percent (B3, B4), so a grade finds
    its letter by equality on `whole_percent`, a hash join, rather than by a range join over the
    bands; a score outside every band finds no row, as with `between`. -#}
{% macro academic_scale_by_percent(scale) -%}
    select
        percents.whole_percent,
        {{ scale }}.letter_grade
    from {{ scale }}
    inner join (
        select
            unnest(range(
                cast(floor(min(min_percent)) as bigint), cast(ceil(max(max_percent)) as bigint) + 1
            )) as whole_percent
        from {{ scale }}
    ) as percents
        on percents.whole_percent between {{ scale }}.min_percent and {{ scale }}.max_percent
{%- endmacro %}
