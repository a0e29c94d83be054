{#-
    The rows of `relation` (a CTE of new versions) together with, on an incremental run, the
    versions this model already holds for the same keys, so that latest_version_per_key picks
    the winner among old and new alike. This keeps late and out-of-order versions from
    overwriting newer ones without engine-specific merge conditions. The stored rows are read
    by position: `relation` keeps the stored column order, and a column added to a staging
    model needs its --full-refresh (assert_stored_columns_unchanged says so).
-#}
{% macro union_current_versions(relation, key) %}
    {%- do assert_stored_columns_unchanged() %}
    select * from {{ relation }}
    {%- if is_incremental() %}
    union all
    select * from {{ this }}
    where {{ key }} in (select {{ key }} from {{ relation }})
    {%- endif %}
{% endmacro %}
