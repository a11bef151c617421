-- One row per trial: the grain of dbt_omni.conversion_rate, exported as an Omni view.
select trial_id, channel, trial_started_at, converted_at
from {{ ref('metric_trials') }}
