{#-
  Rules C8: in a nightly build an error-level data test of a per-student relation reads the changed students'
  rows only. The build starts from the published warehouse, which passed every error-level test; a student
  not in meta.changed_students has the same rows (where they stand in a file aside) in every per-student
  file, and every reference file, seed, var and model is the same (else the build is full). A per-student
  relation (config meta `per_student: <its student column>`, dbt_project.yml; its yml says why) gives such a
  student the same rows as last night, so a test whose verdict for a student depends on that student's rows
  alone gives last night's verdict, a pass: testing the changed students' rows is enough.
  Not narrowed: a warn-level test (its failing rows feed the quality report, which must stay complete), any
  test of a relation that is not per student, and a test whose verdict for a student can depend on another
  student's rows (a key without the student column, any generic test not listed below). A relationships
  test narrows its own rows only: dbt wraps the tested model alone in get_where_subquery, so the `to` side is
  read whole (its parents give an unchanged student the same keys: tests/warehouse/test_incremental.py).
  Nor narrowed: a test of a per-student model that rebuilt every student because a list it reads moved
  (meta `rebuilt_when_moved`, macros/incremental_students.sql): an unchanged student's rows may differ from
  last night's there, so such a test reads every row, as in a full build.
  Anywhere else (a full build, a developer's dbt test) there is no list and every test reads every row.
-#}

{#- this test (a generic or a singular one) reads the changed students' rows only: an error-level test
    in a nightly build -#}
{% macro tests_changed_students_only() -%}
    {%- if execute and config.get('severity', 'error') | lower == 'error' -%}
        {{ return(changed_students_listed()) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}

{#- a singular test's condition on the student column of a per-student relation it reads: `true` unless
    the test reads the changed students' rows only -#}
{% macro changed_students_tested(column) -%}
    {%- if tests_changed_students_only() -%}
        {{ in_changed_students(column) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- the student column a generic test narrows its model by, or none: the model is per student and the
    test's verdict for a student follows from that student's rows (a row-wise check, or a key that
    holds the student column) -#}
{% macro per_student_tested_column() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.get('attached_node') or '') -%}
    {%- set column = tested.config.meta.get('per_student') if tested else none -%}
    {%- set test = model.get('test_metadata') or {} -%}
    {%- set kwargs = test.get('kwargs') or {} -%}
    {%- if not column -%}
        {{ return(none) }}
    {%- elif test.get('name') in ('not_null', 'accepted_values', 'expression_is_true', 'code_in_seed', 'relationships') -%}
        {{ return(column) }}
    {%- elif test.get('name') == 'unique' and kwargs.get('column_name') == column -%}
        {{ return(column) }}
    {%- elif test.get('name') == 'unique_combination' and column in kwargs.get('columns', []) -%}
        {{ return(column) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- dbt's own (global_project: materializations/tests/where_subquery.sql), which every generic test reads
    its model through, honouring the test's `where`; narrowed to the changed students as said above -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set column = per_student_tested_column() -%}
    {%- if column and tests_changed_students_only() and not every_student_rebuilt(graph.nodes[model.attached_node]) -%}
        {%- set where = in_changed_students(column) ~ (' and (' ~ where ~ ')' if where else '') -%}
    {%- endif -%}
    {%- if where -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
