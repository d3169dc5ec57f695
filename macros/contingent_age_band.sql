{#- The age band of an age, from var age_band_upper_bounds (inclusive upper bounds):
    [17, 20, 24] gives '0-17', '18-20', '21-24' and '25+'. The labels sort in age order
    as long as the bounds have two digits. -#}
{% macro contingent_age_band(age) -%}
    {%- set bounds = var('age_band_upper_bounds') -%}
    {#- sqlfluff's templater renders var() as text: lint with no bounds -#}
    {%- if bounds is string %}{% set bounds = [] %}{% endif -%}
    {%- set ns = namespace(lower=0, whens=[]) -%}
    {%- for upper in bounds | map('int') | sort -%}
        {%- do ns.whens.append("when " ~ age ~ " <= " ~ upper ~ " then '" ~ ns.lower ~ "-" ~ upper ~ "'") -%}
        {%- set ns.lower = upper + 1 -%}
    {%- endfor -%}
    case {{ ns.whens | join(' ') }} when {{ age }} is not null then '{{ ns.lower }}+' end
{%- endmacro %}
