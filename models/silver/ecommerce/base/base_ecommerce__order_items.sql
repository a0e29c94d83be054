-- Every bronze order line, typed, with its data-quality verdict (an append-only table:
-- base models).

with source as (
    select * from {{ ref('brz_ecommerce__order_items') }}
    {%- if is_incremental() %}
        where _ingested_at > {{ last_ingested_at() }}
    {%- endif %}
),

renamed as (
    select
        -- ids
        {{ checked_landing_table('ecommerce.order_items').key_expression }}
            as order_item_id,
        trim(source.order_id) as order_id,
        trim(source.product_id) as product_id,

        -- numerics
        {{ dbt.safe_cast('source.line_number', 'integer') }} as line_number,
        {{ dbt.safe_cast('source.quantity', 'integer') }} as quantity,
        {{ dbt.safe_cast('source.unit_price', 'decimal(18, 2)') }} as unit_price,

        -- timestamps
        {{ timestamp_from_text(landing_value('ecommerce.order_items', 'updated_at')) }}
            as updated_at,

        -- lineage
        {{ unreadable_landing_values('ecommerce.order_items', ['updated_at']) }}
            as _unreadable_values,
        {{ rounded_landing_values('ecommerce.order_items', ['unit_price']) }} as _rounded_values,
        source._is_malformed,
        source._rescued_data,
        {{ row_hash(raw_record_columns('ecommerce.order_items')) }}
            as _raw_record_hash,
        source._record_id,
        source._source_file,
        source._ingested_at
    from source
),

checked as (
    select
        *,
        {{ dq_expectations([
            {'name': 'record_is_parseable', 'severity': 'drop',
             'expect': 'not coalesce(_is_malformed, false)', 'reason': unparseable_csv_row_reason()},
            {'name': 'order_item_key_present', 'severity': 'drop',
             'expect': 'order_id is not null and line_number is not null',
             'reason': 'order_id or line_number is missing or not an integer'},
            {'name': 'ids_are_exact', 'severity': 'drop',
             'expect': ids_are_exact(['order_id', 'product_id']), 'reason': inexact_ids_reason('order_id or product_id')},
            {'name': 'quantity_is_integer', 'severity': 'drop',
             'expect': 'quantity is not null', 'reason': 'quantity is missing or not an integer'},
            {'name': 'quantity_positive', 'severity': 'drop',
             'expect': 'quantity > 0', 'reason': 'quantity is zero or negative'},
            {'name': 'unit_price_is_decimal', 'severity': 'drop',
             'expect': 'unit_price is not null',
             'reason': 'unit_price is missing or not a decimal number'},
            {'name': 'product_id_present', 'severity': 'warn',
             'expect': 'product_id is not null'},
            {'name': 'values_are_readable', 'severity': 'warn',
             'expect': '_unreadable_values is null'},
            {'name': 'amounts_are_exact', 'severity': 'warn',
             'expect': '_rounded_values is null'},
        ]) }}
    from renamed
)

select * from checked
