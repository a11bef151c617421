-- One row per calendar month of the metrics period (vars metrics_start_month / metrics_end_month).
select period_start as month_start
from ({{ date_spine('month', var('metrics_start_month', '2024-01-01'), var('metrics_end_month', '2024-06-01')) }}) as spine
