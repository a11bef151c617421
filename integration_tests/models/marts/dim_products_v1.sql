-- Version 1: the catalogue alone, as the first dashboards were built on it. Version 2 (the latest)
-- adds units ordered to date; v1 stays until those dashboards move (dbt model versions).
select * from {{ ref('stg_products') }}
