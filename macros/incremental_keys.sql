{#
  An aggregate over a per-student relation in a nightly build (rules C8): only its groups that a changed
  student's rows fall in, before or after tonight, are computed again. The aggregate (config meta
  `changed_keys: {of: <per-student relation>, keys: [<its group columns>]}`, dbt_project.yml) groups that
  relation's rows by those columns, and a group's row follows from the group's rows alone (and seeds,
  vars and reference files): so a group none of whose rows changed keeps last night's row.
  The per-student relation keeps the changed students' rows as they were before it deletes them
  (pre-hook keep_changed_students_rows(), config meta `keeps_changed_rows: true`), in
  meta.<relation>__before, and once it is built lists the rows that differ between those and tonight's
  rows of the same students (EXCEPT ALL both ways; post-hook list_changed_rows()) in
  meta.<relation>__changed, once for all its aggregates: their groups are the ones to compute again. The
  aggregate deletes those groups (delete_changed_keys()) and appends them computed from every row of the
  relation in those groups (changed_keys_only()). Both tables are dropped when the run ends
  (drop_changed_students_rows()).
  Outside a nightly build these render as a full build: every row deleted, every group computed.
#}

{% macro kept_rows_relation(name) -%}
    meta.{{ name }}__before
{%- endmacro %}

{% macro changed_rows_relation(name) -%}
    meta.{{ name }}__changed
{%- endmacro %}

{#- pre-hook of a per-student relation that an aggregate reads by changed keys, before delete_changed_students() -#}
{% macro keep_changed_students_rows(column='student_id') -%}
    {%- if nightly_build() -%}
        create or replace table {{ kept_rows_relation(this.identifier) }} as
        select * from {{ this }} where {{ in_changed_students(column) }}
    {%- endif -%}
{%- endmacro %}

{#- post-hook of the same relation: its rows that changed tonight, kept from before or built tonight and
    not among the other (EXCEPT ALL both ways) -#}
{% macro list_changed_rows(column='student_id') -%}
    {%- if nightly_build() -%}
        create or replace table {{ changed_rows_relation(this.identifier) }} as
        (select * from {{ kept_rows_relation(this.identifier) }}
            except all
            select * from {{ this }} where {{ in_changed_students(column) }})
        union all
        (select * from {{ this }} where {{ in_changed_students(column) }}
            except all
            select * from {{ kept_rows_relation(this.identifier) }})
    {%- endif -%}
{%- endmacro %}

{#- the aggregate's changed_keys settings: the per-student relation it groups and its group columns -#}
{% macro changed_keys_config() -%}
    {%- set settings = config.get('meta', {}).get('changed_keys') -%}
    {%- if not settings -%}
        {{ exceptions.raise_compiler_error(this.identifier ~ ' has no meta changed_keys: {of: ..., keys: [...]}') }}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}

{#- whether this nightly build listed the changed rows of the relation the aggregate groups (asked of the
    database: a hook made the table, so dbt's cache of relations does not know it) -#}
{% macro changed_rows_listed() -%}
    {%- if not nightly_build() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set schema, identifier = changed_rows_relation(changed_keys_config()['of']).split('.') -%}
    {%- set kept = run_query(
        "select count(*) from information_schema.tables where table_catalog = '" ~ target.database
        ~ "' and table_schema = '" ~ schema ~ "' and table_name = '" ~ identifier ~ "'") -%}
    {{ return(kept.columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- the groups whose rows changed tonight -#}
{% macro changed_keys_query() -%}
    {%- set settings = changed_keys_config() -%}
    select distinct {{ settings['keys'] | join(', ') }} from {{ changed_rows_relation(settings['of']) }}
{%- endmacro %}

{#- condition on a row of the aggregate's input (alias): its group changed tonight; `true` outside a
    nightly build. A group column may be null: a group is matched with IS NOT DISTINCT FROM -#}
{% macro changed_keys_only(alias) -%}
    {%- if not changed_rows_listed() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set matched = [] -%}
    {%- for key in changed_keys_config()['keys'] -%}
        {%- do matched.append('changed_keys.' ~ key ~ ' is not distinct from ' ~ alias ~ '.' ~ key) -%}
    {%- endfor -%}
    {{ return('exists (select 1 from (' ~ changed_keys_query() ~ ') as changed_keys where '
        ~ matched | join(' and ') ~ ')') }}
{%- endmacro %}

{#- pre-hook of the aggregate: delete the changed groups (every row outside a nightly build) -#}
{% macro delete_changed_keys() -%}
    {%- if changed_rows_listed() -%}
        delete from {{ this }} where {{ changed_keys_only(this.identifier) }}
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{#- on-run-end: the kept and the changed rows are the build's own; the published warehouse holds none -#}
{% macro drop_changed_students_rows() -%}
    {%- if execute and changed_students_listed() -%}
        {%- for node in graph.nodes.values() if node.config.meta.get('keeps_changed_rows') -%}
            {%- do run_query('drop table if exists ' ~ kept_rows_relation(node.alias)) -%}
            {%- do run_query('drop table if exists ' ~ changed_rows_relation(node.alias)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
