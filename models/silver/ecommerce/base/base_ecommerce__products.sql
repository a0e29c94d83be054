-- Every bronze product version, typed, with its data-quality verdict (an append-only
-- table: base models).

{{ assert_reporting_currency_unchanged() }}
{{ assert_reporting_time_zone_unchanged() }}
with source as (
    select * from {{ ref('brz_ecommerce__products') }}
    {%- if is_incremental() %}
        where _ingested_at > {{ last_ingested_at() }}
    {%- endif %}
),

fx_rates as (
    select * from {{ ref('fx_rates') }}
),

renamed as (
    select
        -- ids
        {{ checked_landing_table('ecommerce.products').key_expression }} as product_id,

        -- strings
        trim(source.product_name) as product_name,
        lower(trim(source.category)) as category,
        trim(source.brand) as brand,
        upper(trim(source.currency)) as currency_code,

        -- numerics
        {{ dbt.safe_cast('source.list_price', 'decimal(18, 2)') }} as list_price,

        -- booleans
        -- a value that is there but not a boolean counts as active too (warn rule
        -- values_are_readable)
        coalesce(
            {{ dbt.safe_cast(landing_value('ecommerce.products', 'is_active'), 'boolean') }}, true
        ) as is_active,

        -- timestamps
        {{ timestamp_from_text('source.updated_at') }} as updated_at,

        -- lineage
        {{ unreadable_landing_values('ecommerce.products', ['is_active']) }}
            as _unreadable_values,
        {{ rounded_landing_values('ecommerce.products', ['list_price']) }} as _rounded_values,
        source._is_malformed,
        source._rescued_data,
        {{ row_hash(raw_record_columns('ecommerce.products')) }}
            as _raw_record_hash,
        source._record_id,
        source._source_file,
        source._ingested_at
    from source
),

-- the list price in the reporting currency at the rates in force on the day the version was
-- written (updated_at): the price as it stood then (see fx_rate_periods)
rated as (
    {{ with_fx_rate_to_reporting(
        'renamed', 'fx_rates', 'currency_code', reporting_date('renamed.updated_at')
    ) }}
),

converted as (
    select
        *,
        cast(list_price * fx_rate_to_reporting as decimal(18, 2)) as list_price_reporting
    from rated
),

checked as (
    select
        *,
        {{ dq_expectations([
            {'name': 'record_is_parseable', 'severity': 'drop',
             'expect': 'not coalesce(_is_malformed, false)', 'reason': unparseable_csv_row_reason()},
            {'name': 'product_id_present', 'severity': 'drop',
             'expect': 'product_id is not null', 'reason': 'product_id is missing'},
            {'name': 'ids_are_exact', 'severity': 'drop',
             'expect': ids_are_exact(['product_id']), 'reason': inexact_ids_reason('product_id')},
            {'name': 'updated_at_valid', 'severity': 'drop',
             'expect': 'updated_at is not null', 'reason': 'updated_at is missing or not a timestamp (a time zone named by letters, such as BST, is not read: give a UTC offset)'},
            {'name': 'timestamps_plausible', 'severity': 'drop',
             'expect': timestamp_is_plausible('updated_at'),
             'reason': implausible_timestamp_reason('updated_at')},
            {'name': 'values_are_readable', 'severity': 'warn',
             'expect': '_unreadable_values is null'},
            {'name': 'amounts_are_exact', 'severity': 'warn',
             'expect': '_rounded_values is null'},
            {'name': 'list_price_is_decimal', 'severity': 'warn',
             'expect': 'list_price is not null'},
            {'name': 'list_price_is_converted', 'severity': 'warn',
             'expect': 'list_price is null or list_price_reporting is not null'},
        ]) }}
    from converted
)

select * from checked
