{#-
    The landing tables that pass through a base_* model with data-quality rules: the landing
    table's name, its bronze model, its base model, its staging model, the staging key and
    the key's expression over the bronze record's columns (the base model computes it; its
    raw record is every contract column, macro raw_record_columns). The one list that dq_quarantine,
    dq_record_counts, dq_record_accounting, the delivery monitoring (dq_delivery_counts) and
    the quarantine-completeness test loop over.
-#}
{% macro checked_landing_tables() %}
    {{ return([
        {'source_table': 'crm.customers', 'bronze_model': 'brz_crm__customers',
         'base_model': 'base_crm__customers',
         'staging_model': 'stg_crm__customers', 'key': 'crm_id',
         'key_expression': "nullif(trim(crm_id), '')"},
        {'source_table': 'crm.account_links', 'bronze_model': 'brz_crm__account_links',
         'base_model': 'base_crm__account_links',
         'staging_model': 'stg_crm__account_links', 'key': 'account_link_id',
         'key_expression': "concat(trim(crm_id), '-', trim(shop_account_id))"},
        {'source_table': 'ecommerce.orders', 'bronze_model': 'brz_ecommerce__orders',
         'base_model': 'base_ecommerce__orders',
         'staging_model': 'stg_ecommerce__orders', 'key': 'order_id',
         'key_expression': "trim(order_id)"},
        {'source_table': 'ecommerce.order_items', 'bronze_model': 'brz_ecommerce__order_items',
         'base_model': 'base_ecommerce__order_items',
         'staging_model': 'stg_ecommerce__order_items', 'key': 'order_item_id',
         'key_expression': "concat(trim(order_id), '-', coalesce(cast("
            ~ dbt.safe_cast('line_number', 'integer') ~ " as " ~ dbt.type_string()
            ~ "), trim(line_number)))"},
        {'source_table': 'ecommerce.products', 'bronze_model': 'brz_ecommerce__products',
         'base_model': 'base_ecommerce__products',
         'staging_model': 'stg_ecommerce__products', 'key': 'product_id',
         'key_expression': "trim(product_id)"},
        {'source_table': 'web.events', 'bronze_model': 'brz_web__events',
         'base_model': 'base_web__events',
         'staging_model': 'stg_web__events', 'key': 'event_id',
         'key_expression': "event_id"},
        {'source_table': 'support.ticket_changes', 'bronze_model': 'brz_support__ticket_changes',
         'base_model': 'base_support__ticket_changes',
         'staging_model': 'stg_support__tickets', 'key': 'ticket_id',
         'key_expression': "ticket_id"},
    ]) }}
{% endmacro %}

{#- The entry of checked_landing_tables of one landing table ('<source>.<table>'). -#}
{% macro checked_landing_table(source_table) %}
    {% for table in checked_landing_tables() if table.source_table == source_table %}
        {{ return(table) }}
    {% endfor %}
    {{ exceptions.raise_compiler_error("No checked landing table " ~ source_table ~ ".") }}
{% endmacro %}
