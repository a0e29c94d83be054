{#-
    The landing tables that pass through a base_* view with data-quality rules: the landing
    table's name, its bronze model, its base view, its staging model, the staging key, the
    key's expression over the bronze record (aliased `source`) and the bronze columns of its
    raw record (the base view computes both from them, and dq_record_accounting again from
    bronze for the earlier records of a batch's keys). The one list that dq_quarantine,
    dq_record_counts, dq_record_accounting, the delivery monitoring (dq_delivery_counts) and
    the quarantine-completeness test loop over.
-#}
{% macro checked_landing_tables() %}
    {{ return([
        {'source_table': 'crm.customers', 'bronze_model': 'brz_crm__customers',
         'base_model': 'base_crm__customers',
         'staging_model': 'stg_crm__customers', 'key': 'crm_id',
         'key_expression': "nullif(trim(source.crm_id), '')",
         'raw_columns': ['source.crm_id', 'source.first_name', 'source.last_name',
            'source.email', 'source.phone', 'source.country', 'source.city', 'source.tier',
            'source.marketing_consent', 'source.signup_at', 'source.updated_at',
            'source.is_deleted', 'source.preferred_language']},
        {'source_table': 'crm.account_links', 'bronze_model': 'brz_crm__account_links',
         'base_model': 'base_crm__account_links',
         'staging_model': 'stg_crm__account_links', 'key': 'account_link_id',
         'key_expression': "concat(trim(source.crm_id), '-', trim(source.shop_account_id))",
         'raw_columns': ['source.crm_id', 'source.shop_account_id', 'source.linked_at']},
        {'source_table': 'ecommerce.orders', 'bronze_model': 'brz_ecommerce__orders',
         'base_model': 'base_ecommerce__orders',
         'staging_model': 'stg_ecommerce__orders', 'key': 'order_id',
         'key_expression': "trim(source.order_id)",
         'raw_columns': ['source.order_id', 'source.shop_account_id', 'source.order_status',
            'source.channel', 'source.currency', 'source.order_total',
            'source.shipping_amount', 'source.ordered_at', 'source.updated_at',
            'source.email', 'source.phone', 'source.coupon_code']},
        {'source_table': 'ecommerce.order_items', 'bronze_model': 'brz_ecommerce__order_items',
         'base_model': 'base_ecommerce__order_items',
         'staging_model': 'stg_ecommerce__order_items', 'key': 'order_item_id',
         'key_expression': "concat(trim(source.order_id), '-', trim(source.line_number))",
         'raw_columns': ['source.order_id', 'source.line_number', 'source.product_id',
            'source.quantity', 'source.unit_price', 'source.updated_at']},
        {'source_table': 'ecommerce.products', 'bronze_model': 'brz_ecommerce__products',
         'base_model': 'base_ecommerce__products',
         'staging_model': 'stg_ecommerce__products', 'key': 'product_id',
         'key_expression': "trim(source.product_id)",
         'raw_columns': ['source.product_id', 'source.product_name', 'source.category',
            'source.brand', 'source.list_price', 'source.currency', 'source.is_active',
            'source.updated_at']},
        {'source_table': 'web.events', 'bronze_model': 'brz_web__events',
         'base_model': 'base_web__events',
         'staging_model': 'stg_web__events', 'key': 'event_id',
         'key_expression': "source.event_id",
         'raw_columns': ['source.event_id', 'source.anonymous_id', 'source.shop_account_id',
            'source.event_type', 'source.event_at', 'source.page_url']},
        {'source_table': 'support.ticket_changes', 'bronze_model': 'brz_support__ticket_changes',
         'base_model': 'base_support__ticket_changes',
         'staging_model': 'stg_support__tickets', 'key': 'ticket_id',
         'key_expression': "source.ticket_id",
         'raw_columns': ['source.ticket_id', 'source.requester_email', 'source.requester_phone',
            'source.status', 'source._change_type', 'source._commit_version',
            'source._commit_timestamp']},
    ]) }}
{% endmacro %}

{#- The entry of checked_landing_tables of one landing table ('<source>.<table>'). -#}
{% macro checked_landing_table(source_table) %}
    {% for table in checked_landing_tables() if table.source_table == source_table %}
        {{ return(table) }}
    {% endfor %}
    {{ exceptions.raise_compiler_error("No checked landing table " ~ source_table ~ ".") }}
{% endmacro %}
