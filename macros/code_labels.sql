{#- The one way a code gets its labels (docs/architecture.md: Python picks `<thing>_label_<lang>`,
    it never joins a seed): `<prefix>_label_kk, <prefix>_label_ru, <prefix>_label_en` for `code`,
    each from the label_kk/ru/en columns of `labels` (a seed joined in the model, by its alias; a
    list of aliases takes the first that knows the code), and the raw code when none does, so a code
    a seed lacks still shows (the seeds' tests report it). -#}
{% macro code_label_columns(labels, code, prefix) -%}
    {%- set sources = [labels] if labels is string else labels -%}
    {%- for lang in code_label_languages() -%}
        {%- set found = [] -%}
        {%- for source in sources %}{% do found.append(source ~ '.label_' ~ lang) %}{% endfor %}
    coalesce({{ found | join(', ') }}, cast({{ code }} as varchar)) as {{ prefix }}_label_{{ lang }}
        {{- ',' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- The interface languages every label column is written in (registrar.common.i18n.LANGUAGES). -#}
{% macro code_label_languages() -%}
    {{ return(['kk', 'ru', 'en']) }}
{%- endmacro %}
