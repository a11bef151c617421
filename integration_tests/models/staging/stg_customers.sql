select
    customer_id,
    legacy_customer_ref,
    first_name,
    last_name,
    lower(email) as email,
    upper(country_code) as country_code,
    signed_up_at,
    marketing_opt_in
from {{ ref('customers') }}
