-- Every bronze order version, typed, converted to the reporting currency, with its
-- data-quality verdict. An append-only table (base models): stg_ecommerce__orders and
-- dq_quarantine read the new records from it.

{{ assert_reporting_currency_unchanged() }}
{{ assert_reporting_time_zone_unchanged() }}
with source as (
    select * from {{ ref('brz_ecommerce__orders') }}
    {%- if is_incremental() %}
        where _ingested_at > {{ last_ingested_at() }}
    {%- endif %}
),

currencies as (
    select * from {{ ref('currencies') }}
),

fx_rates as (
    select * from {{ ref('fx_rates') }}
),

country_dial_codes as (
    select * from {{ ref('country_dial_codes') }}
),

renamed as (
    select
        -- ids
        {{ checked_landing_table('ecommerce.orders').key_expression }} as order_id,
        -- null: a guest checkout
        {{ reference_or_null('source.shop_account_id') }} as shop_account_id,

        -- strings
        lower(trim({{ landing_value('ecommerce.orders', 'order_status') }})) as order_status,
        lower(trim(source.channel)) as channel,
        upper(trim(source.currency)) as currency_code,
        {{ trimmed_or_null('source.coupon_code') }} as coupon_code,
        {{ trimmed_or_null('source.email') }} as email,
        {{ normalised_email('source.email') }} as email_normalised,
        {{ trimmed_or_null('source.phone') }} as phone,

        -- numerics
        {{ dbt.safe_cast('source.order_total', 'decimal(18, 2)') }} as order_total,
        {{ dbt.safe_cast(landing_value('ecommerce.orders', 'shipping_amount'), 'decimal(18, 2)') }}
            as shipping_amount,

        -- timestamps
        {{ timestamp_from_text('source.ordered_at') }} as ordered_at,
        {{ timestamp_from_text(landing_value('ecommerce.orders', 'updated_at')) }}
            as updated_at,

        -- booleans
        -- the export had no updated_at: the version time is the ordered_at (contract default)
        {{ trimmed_or_null('source.updated_at') }} is null as is_updated_at_default,

        -- lineage
        {{ rounded_landing_values('ecommerce.orders', ['order_total', 'shipping_amount']) }}
            as _rounded_values,
        source._is_malformed,
        source._rescued_data,
        {{ row_hash(raw_record_columns('ecommerce.orders')) }}
            as _raw_record_hash,
        source._record_id,
        source._source_file,
        source._ingested_at
    from source
),

with_phone_numbers as (
    {{ with_phone_numbers('renamed', 'phone', 'country_dial_codes') | indent(4) }}
),

-- a currency the shop uses is one of the currencies seed
with_currency_check as (
    select
        with_phone_numbers.*,
        currencies.currency_code is not null as is_currency_known
    from with_phone_numbers
    left join currencies
        on with_phone_numbers.currency_code = currencies.currency_code
),

-- the rate of the order's currency to the reporting currency on the order date
rated as (
    {{ with_fx_rate_to_reporting(
        'with_currency_check', 'fx_rates', 'currency_code',
        reporting_date('with_currency_check.ordered_at')
    ) }}
),

converted as (
    select
        *,
        cast(order_total * fx_rate_to_reporting as decimal(18, 2)) as order_total_reporting,
        cast(shipping_amount * fx_rate_to_reporting as decimal(18, 2))
            as shipping_amount_reporting
    from rated
),

checked as (
    select
        *,
        {{ dq_expectations([
            {'name': 'record_is_parseable', 'severity': 'drop',
             'expect': 'not coalesce(_is_malformed, false)', 'reason': unparseable_csv_row_reason()},
            {'name': 'order_id_present', 'severity': 'drop',
             'expect': 'order_id is not null', 'reason': 'order_id is missing'},
            {'name': 'ids_are_exact', 'severity': 'drop',
             'expect': ids_are_exact(['order_id', 'shop_account_id']), 'reason': inexact_ids_reason('order_id or shop_account_id')},
            {'name': 'order_has_buyer', 'severity': 'drop',
             'expect': 'shop_account_id is not null or email is not null',
             'reason': 'neither shop_account_id nor email: nobody can be credited with the order'},
            {'name': 'order_total_is_decimal', 'severity': 'drop',
             'expect': 'order_total is not null and shipping_amount is not null',
             'reason': 'order_total is missing or not a decimal number, or shipping_amount is not one'},
            {'name': 'timestamps_valid', 'severity': 'drop',
             'expect': 'ordered_at is not null and updated_at is not null',
             'reason': 'ordered_at is missing or not a timestamp, or updated_at is not one (a time zone named by letters, such as BST, is not read: give a UTC offset)'},
            {'name': 'timestamps_plausible', 'severity': 'drop',
             'expect': timestamp_is_plausible('ordered_at') ~ ' and ' ~ timestamp_is_plausible('updated_at'),
             'reason': implausible_timestamp_reason('ordered_at or updated_at')},
            {'name': 'currency_is_known', 'severity': 'drop',
             'expect': 'is_currency_known', 'reason': 'currency is not an ISO 4217 code the shop uses'},
            {'name': 'fx_rate_in_force', 'severity': 'drop',
             'expect': 'fx_currency_without_rate is null',
             'reason_sql': "concat('no FX rate for ', fx_currency_without_rate, ' in force on ', "
                ~ "cast(" ~ reporting_date('ordered_at') ~ " as " ~ dbt.type_string() ~ "), "
                ~ "' (the fx_rates seed starts later)')"},
            {'name': 'order_status_is_known', 'severity': 'drop',
             'expect': "order_status in ('placed', 'shipped', 'delivered', 'cancelled', 'returned')",
             'reason': 'order_status is not one of placed, shipped, delivered, cancelled, returned'},
            {'name': 'order_total_not_negative', 'severity': 'warn',
             'expect': 'order_total >= 0'},
            {'name': 'email_is_valid', 'severity': 'warn',
             'expect': 'email is null or email_normalised is not null'},
            {'name': 'phone_is_exact', 'severity': 'warn',
             'expect': 'not ' ~ number_in_scientific_notation('phone')},
            {'name': 'channel_is_known', 'severity': 'warn',
             'expect': "channel is null or channel in ('web', 'app', 'marketplace')"},
            {'name': 'amounts_are_exact', 'severity': 'warn',
             'expect': '_rounded_values is null'},
        ]) }}
    from converted
)

select * from checked
