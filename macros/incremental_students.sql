{#
  A nightly refresh starts from the published warehouse and rebuilds a per-student model only for the
  students whose extract rows changed (rules C8): the refresh lists them in meta.changed_students before
  dbt runs, and renames the list to meta.rebuilt_students when it publishes. A per-student model is one
  whose rows for a student follow from that student's rows alone (and the reference files, seeds, vars and
  the list of terms): dbt_project.yml makes it incremental (`*per_student`: strategy append, pre-hook
  `delete_changed_students()`), it filters its inputs with `changed_students_only('<its student column>')`,
  and dbt deletes the changed students' rows before it appends their rows again. It carries no source row
  but that of a file whose row numbers the student's fingerprint includes (SOURCE_ROW_FINGERPRINTED in
  registrar/pipeline/incremental.py: orders); a student whose rows only moved in another file is not changed.
  Only a nightly build prepared by the refresh has meta.changed_students. A build from nothing creates
  every table; any other dbt run on an existing warehouse (a developer's, a test's) deletes every row of a
  per-student model and builds them all again, as a table would be. If the model's columns changed (a seed
  that names columns, such as the grade scale's counts) dbt refuses the stored table (on_schema_change:
  fail): such a run needs --full-refresh, as the refresh builds from nothing whenever a seed changed.

  A per-student model may also read a relation that is the same for every student (config meta
  `same_for_every_student`), each kind with one way its change reaches every student:
  - `marked_by_the_refresh` (dim_terms, the list of terms): the refresh marks every student changed when it
    changes (registrar/pipeline/incremental.py); nothing to do here.
  - `rebuilt_when_moved` (a list over all students, such as the quarters of the data's span): the list model
    is a table built in full every time whose pre-hook `keep_list_before()` keeps the list the warehouse was
    last built with (meta.<list>_moved: before) and whose post-hook `keep_list_now()` adds the list built
    now (after); a per-student model whose rows follow from it, directly or through other per-student models,
    names it in its config meta `rebuilt_when_moved: [<list>]` (dbt_project.yml, `*per_student_unless_moved`),
    and in a nightly build where such a list moved, `delete_changed_students()` deletes every row,
    `changed_students_only(...)` keeps every student, and its tests read every row, as in a full build.
    The comparison reads meta, not the list model, so a model that reads it only through other per-student
    models needs no ref to it; the list model is upstream of it, so its hooks ran before it.
#}

{% macro changed_students_relation() -%}
    meta.changed_students
{%- endmacro %}

{% macro changed_students_listed() -%}
    {#- the refresh listed the changed students in the build's database: only a nightly build has the list -#}
    {%- set schema, identifier = changed_students_relation().split('.') -%}
    {%- set listed = adapter.get_relation(database=target.database, schema=schema, identifier=identifier) -%}
    {{ return(listed is not none) }}
{%- endmacro %}

{% macro nightly_build() -%}
    {#- a nightly build prepared by the refresh: the model's table exists and the changed students are listed -#}
    {%- if execute and is_incremental() -%}
        {{ return(changed_students_listed()) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}

{% macro in_changed_students(column) -%}
    {{ column }} in (select student_id from {{ changed_students_relation() }})
{%- endmacro %}

{% macro list_moved_relation(name) -%}
    meta.{{ name }}_moved
{%- endmacro %}

{#- the list as one text, its rows in order: compared whole, no hash -#}
{% macro list_fingerprint(relation) -%}
    (select string_agg(cast(listed as varchar), chr(10) order by cast(listed as varchar)) from {{ relation }} as listed)
{%- endmacro %}

{#- pre-hook of a `rebuilt_when_moved` list model: the list before this build (none in a build from nothing) -#}
{% macro keep_list_before() -%}
    {%- set built = load_relation(this) -%}
    create schema if not exists meta;
    create or replace table {{ list_moved_relation(this.identifier) }} as
    select
        {{ list_fingerprint(this) if built is not none else 'null::varchar' }} as before,
        null::varchar as after
{%- endmacro %}

{#- post-hook of a `rebuilt_when_moved` list model: the list this build made -#}
{% macro keep_list_now() -%}
    update {{ list_moved_relation(this.identifier) }} set after = {{ list_fingerprint(this) }}
{%- endmacro %}

{#- the model (or, for a test, the tested model: node) reads a `rebuilt_when_moved` list that differs from the
    one the warehouse was last built with, or whose comparison is not there: every student is rebuilt -#}
{% macro every_student_rebuilt(node=none) -%}
    {%- set meta = node.config.meta if node is not none else config.get('meta', {}) -%}
    {%- for name in meta.get('rebuilt_when_moved', []) -%}
        {%- set schema, identifier = list_moved_relation(name).split('.') -%}
        {%- set kept = adapter.get_relation(database=target.database, schema=schema, identifier=identifier) -%}
        {%- if kept is none -%}
            {{ return(true) }}
        {%- endif -%}
        {%- set moved = run_query('select before is distinct from after or after is null from ' ~ kept) -%}
        {%- if moved.columns[0].values() | list != [false] -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- a nightly build that rebuilds only the changed students of this model -#}
{% macro changed_students_rebuilt() -%}
    {{ return(nightly_build() and not every_student_rebuilt()) }}
{%- endmacro %}

{#- the condition on an input's student column that keeps the changed students in a nightly build (`true`
    anywhere else). `named=true` names them as literals (changed_students_as_literals), for an input that is a
    view with LEFT JOINs (int_grades_scored: the letter by score, the points by letter): DuckDB leaves a semi
    join (`in (select ...)`) above those joins, so the view would score every grade row of the university for
    2,000 changed students (0.7 s at 200,000); literals it moves down to the grades (0.1 s). On a stored table
    the semi join is as fast, so the other inputs keep it. -#}
{% macro changed_students_only(column, named=false) -%}
    {%- if changed_students_rebuilt() -%}
        {{ changed_students_as_literals(column) if named else in_changed_students(column) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- the changed students as a list of literals; the semi join when there are more than `named_students_limit`
    (every student, when a term appears): the statement would carry the whole roster -#}
{% macro changed_students_as_literals(column, named_students_limit=10000) -%}
    {%- set named = run_query(
        'select student_id from ' ~ changed_students_relation() ~ ' order by student_id'
    ).columns[0].values() -%}
    {%- if named | length > named_students_limit -%}
        {{ return(in_changed_students(column)) }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for student in named -%}
        {%- do quoted.append("'" ~ (student | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ return(column ~ ' in (' ~ (quoted | join(', ') or 'null') ~ ')') }}
{%- endmacro %}

{% macro delete_changed_students(column='student_id') -%}
    {%- if changed_students_rebuilt() -%}
        delete from {{ this }} where {{ in_changed_students(column) }}
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
