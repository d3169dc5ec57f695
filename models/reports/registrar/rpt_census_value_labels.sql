-- The names of the values a statistical form expands into rows or columns (a `*` filter of its
-- layout seed, rules B20): one row per dimension and value that has a name in a dimension or seed.
-- A value with no row here is shown as its code (course, gender, programme group). The forms' age bands
-- (vars stat_form_age_band_starts, stat_form_age_top_band_from) are labelled here: the open ones with the
-- words of seed stat_form_age_band_words, the others with their ages.
with programs as (
    select * from {{ ref('dim_programs') }}
),

faculties as (
    select * from {{ ref('dim_faculties') }}
),

levels as (
    select * from {{ ref('study_levels') }}
),

study_forms as (
    select * from {{ ref('study_forms') }}
),

study_languages as (
    select * from {{ ref('study_languages') }}
),

fundings as (
    select * from {{ ref('fundings') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

movement_types as (
    select * from {{ ref('movement_types') }}
),

movement_reasons as (
    select * from {{ ref('movement_reasons') }}
),

admission_bases as (
    select * from {{ ref('admission_bases') }}
),

age_band_words as (
    select * from {{ ref('stat_form_age_band_words') }}
),

age_bands as (
    -- the bands of macro stat_form_age_bands, youngest first
    select
        bands.band,
        bands.band_kind,
        bands.bound,
        bands.sort_order
    from (
        values
        {%- for band in stat_form_age_bands() %}
            ('{{ band.band }}', '{{ band.kind }}', {{ band.bound }}, {{ loop.index }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as bands (band, band_kind, bound, sort_order)
),

labelled as (
    select
        'program_code' as dimension,
        program_code as value,
        null as sort_order,
        program_code || ' ' || name_kk as label_kk,
        program_code || ' ' || name_ru as label_ru,
        program_code || ' ' || name_en as label_en
    from programs
    union all
    select
        'faculty_code' as dimension,
        faculty_code as value,
        null as sort_order,
        name_kk as label_kk,
        name_ru as label_ru,
        name_en as label_en
    from faculties
    union all
    select
        'movement' as dimension,
        movement as value,
        null as sort_order,
        label_kk,
        label_ru,
        label_en
    from movement_types
    union all
    -- a reason code means the same under every movement: its first label
    select
        'reason' as dimension,
        reason as value,
        null as sort_order,
        min(label_kk) as label_kk,
        min(label_ru) as label_ru,
        min(label_en) as label_en
    from movement_reasons
    group by reason
    union all
    select
        'level' as dimension,
        level as value,
        sort_order,
        label_kk,
        label_ru,
        label_en
    from levels
    union all
    select
        'study_form' as dimension,
        study_form as value,
        sort_order,
        label_kk,
        label_ru,
        label_en
    from study_forms
    union all
    select
        'study_language' as dimension,
        study_language as value,
        sort_order,
        label_kk,
        label_ru,
        label_en
    from study_languages
    union all
    select
        'funding' as dimension,
        funding as value,
        sort_order,
        label_kk,
        label_ru,
        label_en
    from fundings
    union all
    select
        'status' as dimension,
        status as value,
        sort_order,
        label_kk,
        label_ru,
        label_en
    from statuses
    union all
    select
        'admission_basis' as dimension,
        admission_basis as value,
        sort_order,
        label_kk,
        label_ru,
        label_en
    from admission_bases
    union all
    select
        'age_band' as dimension,
        age_bands.band as value,
        age_bands.sort_order,
        coalesce(replace(age_band_words.label_kk, '{age}', age_bands.bound::varchar), age_bands.band) as label_kk,
        coalesce(replace(age_band_words.label_ru, '{age}', age_bands.bound::varchar), age_bands.band) as label_ru,
        coalesce(replace(age_band_words.label_en, '{age}', age_bands.bound::varchar), age_bands.band) as label_en
    from age_bands
    left join age_band_words on age_bands.band_kind = age_band_words.band_kind
)

select * from labelled
