{#- The numeric prefix of an order number ("123-С" -> 123), so that orders compare
    naturally: by this number first (orders without one after those with one), then by
    the whole text ("123-А" before "123-С"). A text comparison alone would put
    "1000-С" before "999-С". -#}
{% macro contingent_order_no_number(order_no) -%}
    try_cast(nullif(regexp_extract({{ order_no }}, '^\s*([0-9]+)', 1), '') as bigint)
{%- endmacro %}
