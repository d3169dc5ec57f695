-- Checks: the replay of the orders reaches today's status, programme and funding of (nearly) every student.
-- Matters: otherwise the 1 October report and the movement statistics disagree with the AIS records.
-- Resolve: work through main.rpt_contingent_mismatches: enter the missing order or correct the student record.
with mismatches as (
    select * from {{ ref('rpt_contingent_mismatches') }}
)

select *
from mismatches
where (select count(*) as n_mismatches from {{ ref('rpt_contingent_mismatches') }}) > {{ var('contingent_mismatch_tolerance') }}
