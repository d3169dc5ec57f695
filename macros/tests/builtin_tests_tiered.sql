{#- The four built-in generic tests, unchanged in what they check, each placed in its
    quality tier (tags) so that `dbt build --select tag:integrity` and the quality report
    can group every test by tier without a config line on each of the ~200 uses.
    Tiers: configuration = the seeds cover every code in the data; integrity = keys,
    relationships, no overlaps; values = arithmetic and allowed-value invariants. -#}

{% test unique(model, column_name) %}
    {{ config(tags=['integrity']) }}
    {{ adapter.dispatch('test_unique', 'dbt')(model, column_name) }}
{% endtest %}

{% test not_null(model, column_name) %}
    {{ config(tags=['integrity']) }}
    {{ adapter.dispatch('test_not_null', 'dbt')(model, column_name) }}
{% endtest %}

{% test relationships(model, column_name, to, field) %}
    {{ config(tags=['integrity']) }}
    {{ adapter.dispatch('test_relationships', 'dbt')(model, column_name, to, field) }}
{% endtest %}

{% test accepted_values(model, column_name, values, quote=True) %}
    {{ config(tags=['values']) }}
    {{ adapter.dispatch('test_accepted_values', 'dbt')(model, column_name, values, quote) }}
{% endtest %}
