{#- Schemas are named by layer (staging, intermediate, main, reference), not prefixed
    with the target schema, so the dashboards read main.fct_grades whatever the target. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
