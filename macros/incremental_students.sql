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
  per-student model and builds them all again, as a table would be.
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

{% macro changed_students_only(column) -%}
    {%- if nightly_build() -%}
        {{ in_changed_students(column) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro delete_changed_students(column='student_id') -%}
    {%- if nightly_build() -%}
        delete from {{ this }} where {{ in_changed_students(column) }}
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
