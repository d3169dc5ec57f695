with mismatches as (
    select * from {{ ref('rpt_contingent_mismatches') }}
),

tally as (
    select count(*) as n_mismatches from mismatches
)

select mismatches.*
from mismatches
cross join tally
where tally.n_mismatches > {{ var('contingent_mismatch_tolerance') }}
