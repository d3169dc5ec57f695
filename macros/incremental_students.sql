{#
  A nightly refresh starts from the published warehouse and rebuilds a per-student model only for the
  students whose extract rows changed (rules C8): the refresh lists them in meta.changed_students before
  dbt runs. A per-student model is one whose rows for a student follow from that student's rows alone
  (and the seeds and vars): dbt_project.yml makes it incremental (strategy append, pre-hook
  `delete_changed_students()`), it filters its inputs with
  `changed_students_only('<its student column>')`, and dbt deletes the changed students' rows before it
  appends their rows again. It carries no source row: a student whose rows only moved in the file is not
  changed. A full build (a new file) has no such table to start from: every row is built.
#}

{% macro changed_students_relation() -%}
    meta.changed_students
{%- endmacro %}

{% macro changed_students_only(column) -%}
    {%- if is_incremental() -%}
        {{ column }} in (select student_id from {{ changed_students_relation() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro delete_changed_students(column='student_id') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ column }} in (select student_id from {{ changed_students_relation() }})
    {%- endif -%}
{%- endmacro %}
