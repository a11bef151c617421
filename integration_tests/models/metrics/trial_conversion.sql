-- One row per acquisition channel: trials, converted trials and the trial -> paid conversion rate.
select
    channel,
    {{ dbt_omni.metric_aggregate('count_distinct', 'trial_id') }} as trials,
    {{ dbt_omni.metric_aggregate('count_distinct', 'case when converted_at is not null then trial_id end') }} as conversions,
    {{ dbt_omni.conversion_rate(entity_id_column='trial_id', converted_at_column='converted_at') }} as conversion_rate
from {{ ref('metric_trials') }}
group by channel
