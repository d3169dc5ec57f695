{#- Pivots generated at compile time from a seed, so that the columns follow the seed (a new
    letter or status gets its column on the next build) and no code is a literal in SQL. -#}

{#- The values of one column of a seed (dbt_utils.get_column_values, written here since Hub
    packages cannot be fetched), in the order of `order_by`. The seed is read where dbt loaded it
    (not through ref(), which a unit test replaces by its fixture); the model declares the seed with
    a `-- depends_on: ref(...)` comment so that it builds after it. Empty while dbt parses or
    sqlfluff renders. -#}
{% macro seed_column_values(seed_name, column, where='true', order_by=none) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set nodes = graph.get('nodes', {}) -%}
    {%- set node = nodes.get('seed.' ~ project_name ~ '.' ~ seed_name) -%}
    {%- if node -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- else -%}
        {#- a unit test compiles without the graph: the seeds' schema of dbt_project.yml -#}
        {%- set relation = api.Relation.create(
            database=target.database, schema=generate_schema_name('reference', none), identifier=seed_name
        ) -%}
    {%- endif -%}
    {%- set query -%}
        select {{ column }} as value, min({{ order_by or column }}) as sort_key
        from {{ relation }}
        where {{ where }} and {{ column }} is not null
        group by {{ column }}
        order by sort_key, value
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#- A code as part of a column name: A- gives a_minus, B+ gives b_plus, FX gives fx. -#}
{% macro code_column_name(code) -%}
    {{- code | lower | replace('-', '_minus') | replace('+', '_plus') | replace(' ', '_') -}}
{%- endmacro %}

{#- The same name as code_column_name, written in SQL for a code held in a column (rpt_grade_letters
    names the count column of each letter with it). -#}
{% macro code_column_name_sql(code) -%}
    replace(replace(replace(lower({{ code }}), '-', '_minus'), '+', '_plus'), ' ', '_')
{%- endmacro %}

{#- `sum(n_<code>)::bigint as n_<code>,` for each code: the count columns of count_by_code summed again,
    for a mart that rolls a finer one up. -#}
{% macro sum_by_code(codes, prefix='n_') -%}
    {%- for code in codes %}
    sum({{ prefix }}{{ code_column_name(code) }})::bigint as {{ prefix }}{{ code_column_name(code) }},
    {%- endfor -%}
{%- endmacro %}

{#- `count(*) filter (where <column> = '<code>') as <prefix><code>,` for each code: every item
    ends with a comma, so put the call before a written column. -#}
{% macro count_by_code(column, codes, prefix='n_') -%}
    {%- for code in codes %}
    count(*) filter (where {{ column }} = '{{ code }}') as {{ prefix }}{{ code_column_name(code) }},
    {%- endfor -%}
{%- endmacro %}

{#- The grade scale in use (var grade_scale_version) as the lists the attestation marts pivot on,
    each in the scale's order: `traditional_grades`, `failing_letters`, `passing_letters`. Stated
    once here for fct_attestation_breakdown and the results summed from it; a model that calls it
    declares `-- depends_on: ref('grade_scale')`. -#}
{% macro grade_scale_codes() -%}
    {%- set scale_where = "scale_version = '" ~ var('grade_scale_version') ~ "'" -%}
    {{ return({
        'traditional_grades': seed_column_values(
            'grade_scale', 'traditional_grade', where=scale_where, order_by='sort_order'),
        'failing_letters': seed_column_values(
            'grade_scale', 'letter_grade', where=scale_where ~ ' and not is_passing', order_by='sort_order'),
        'passing_letters': seed_column_values(
            'grade_scale', 'letter_grade', where=scale_where ~ ' and is_passing', order_by='sort_order'),
    }) }}
{%- endmacro %}
