with mismatches as (
    select * from {{ ref('rpt_contingent_mismatches') }}
)

select *
from mismatches
where (select count(*) as n_mismatches from {{ ref('rpt_contingent_mismatches') }}) > {{ var('contingent_mismatch_tolerance') }}
