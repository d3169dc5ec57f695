{#- A name written in Cyrillic (Kazakh or Russian) as a lower-case Latin search key, so that a
    registrar who types the name in Latin letters finds it. Not a passport spelling: a key to match on.

    Each Cyrillic letter becomes one Latin letter or digraph: ж zh, х h, ц ts, ч ch, ш sh, щ shch,
    ю iu, я ia; the Kazakh letters lose their marks (ә a, ғ g, қ k, ң n, ө o, ұ u, ү u, һ h, і i);
    й and ы become i; ъ and ь are dropped; then a run of i is one i. So "Дмитрий" gives "dmitri",
    as "Dmitriy", "Dmitry" and "Dmitrii" do once the dashboard folds the typed text the same way
    (dashboards/queries/student.py, latin_key: y to i, kh to h, q to k, ä to a ...). Other
    characters (Latin letters, hyphens, spaces) pass through, lower-cased.
    Two passes over a short text (a replace per digraph, one translate): cheap at 600,000 names. -#}
{% macro latin_search_name(expression) -%}
    {%- set digraphs = [('щ', 'shch'), ('ж', 'zh'), ('х', 'h'), ('ц', 'ts'), ('ч', 'ch'), ('ш', 'sh'),
                        ('ю', 'iu'), ('я', 'ia'), ('ъ', ''), ('ь', '')] -%}
    {%- set letters = 'абвгдеёзийклмнопрстуфыэәғқңөұүһі' -%}
    {%- set latin = 'abvgdeeziiklmnoprstufieagknouuhi' -%}
    {%- set ns = namespace(sql='lower(' ~ expression ~ ')') -%}
    {%- for cyrillic, roman in digraphs -%}
        {%- set ns.sql = "replace(" ~ ns.sql ~ ", '" ~ cyrillic ~ "', '" ~ roman ~ "')" -%}
    {%- endfor -%}
    regexp_replace(translate({{ ns.sql }}, '{{ letters }}', '{{ latin }}'), 'i+', 'i', 'g')
{%- endmacro %}

{#- The same key as a function of the published warehouse, `main.latin_search_key(text)`, created after
    every build (on-run-end in dbt_project.yml): the student page folds a name typed in Cyrillic with it,
    so "Смагулова" (Russian spelling) finds "Смағұлова" and the rule lives here once. -#}
{% macro create_latin_search_key() -%}
    create or replace macro main.latin_search_key(name) as {{ latin_search_name('name') }}
{%- endmacro %}
