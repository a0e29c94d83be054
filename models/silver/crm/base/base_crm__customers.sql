-- Every bronze CRM contact record, typed and standardised, with its data-quality verdict.
-- An append-only table (base models): stg_crm__customers and dq_quarantine read the new
-- records from it.
{%- set known_tiers = ['bronze', 'silver', 'gold', 'platinum'] %}
{#- a malformed line that is not UTF-8: bronze keeps its bytes escaped (DuckDB: `\xE9`; Spark
    reads such a line with replacement characters, as an object) -#}
{%- set line_is_not_utf8 = regex_match_expression(
    '_rescued_data', '\\\\x[0-9A-F]{2}', is_raw=true) %}

with source as (
    select * from {{ ref('brz_crm__customers') }}
    {%- if is_incremental() %}
        where _ingested_at > {{ last_ingested_at() }}
    {%- endif %}
),

country_codes as (
    select * from {{ ref('country_codes') }}
),

country_dial_codes as (
    select * from {{ ref('country_dial_codes') }}
),

renamed as (
    select
        -- ids
        {{ checked_landing_table('crm.customers').key_expression }} as crm_id,

        -- strings
        trim(source.first_name) as first_name,
        trim(source.last_name) as last_name,
        -- "none" spellings (N/A, null, -) are no email or phone, as on orders and tickets
        lower({{ trimmed_or_null('source.email') }}) as email,
        {{ normalised_email('source.email') }} as email_normalised,
        {{ trimmed_or_null('source.phone') }} as phone,
        trim(source.country) as country_raw,
        country_codes.country_code,
        country_codes.country_name,
        trim(source.city) as city,
        -- an unknown tier is null here (warn rule tier_is_known); bronze keeps the value
        case
            when lower(trim(source.tier)) in ({{ sql_literal_list(known_tiers) }})
                then lower(trim(source.tier))
        end as tier,
        lower(trim(source.preferred_language)) as preferred_language,

        -- booleans
        {{ dbt.safe_cast(landing_value('crm.customers', 'marketing_consent'), 'boolean') }}
            as has_marketing_consent,
        -- a value that is there but not a boolean is no tombstone either (warn rule
        -- values_are_readable)
        coalesce(
            {{ dbt.safe_cast(landing_value('crm.customers', 'is_deleted'), 'boolean') }}, false
        ) as is_deleted,

        -- timestamps
        {{ timestamp_from_text(landing_value('crm.customers', 'signup_at')) }} as signup_at,
        {{ timestamp_from_text('source.updated_at') }} as updated_at,

        -- lineage
        {{ unreadable_landing_values(
            'crm.customers', ['marketing_consent', 'is_deleted', 'signup_at']) }}
            as _unreadable_values,
        source._is_malformed,
        source._rescued_data,
        {{ row_hash(raw_record_columns('crm.customers')) }}
            as _raw_record_hash,
        source._record_id,
        source._source_file,
        source._ingested_at
    from source
    left join country_codes
        on lower(trim(source.country)) = country_codes.country_alias
),

with_phone_numbers as (
    {{ with_phone_numbers('renamed', 'phone', 'country_dial_codes', 'country_code') | indent(4) }}
),

checked as (
    select
        *,
        {{ dq_expectations([
            {'name': 'record_is_parseable', 'severity': 'drop',
             'expect': 'not _is_malformed',
             'reason_sql': "case when " ~ line_is_not_utf8 ~ " then 'the line is not UTF-8 text,"
                ~ " the encoding of the landing contract: export the file as UTF-8'"
                ~ " else 'the line is not a JSON object' end"},
            {'name': 'crm_id_present', 'severity': 'drop',
             'expect': 'crm_id is not null', 'reason': 'crm_id is missing'},
            {'name': 'ids_are_exact', 'severity': 'drop',
             'expect': ids_are_exact(['crm_id']), 'reason': inexact_ids_reason('crm_id')},
            {'name': 'updated_at_valid', 'severity': 'drop',
             'expect': 'updated_at is not null', 'reason': 'updated_at is missing or not a timestamp (a time zone named by letters, such as BST, is not read: give a UTC offset)'},
            {'name': 'timestamps_plausible', 'severity': 'drop',
             'expect': timestamp_is_plausible('updated_at'),
             'reason': implausible_timestamp_reason('updated_at')},
            {'name': 'email_is_valid', 'severity': 'warn',
             'expect': 'is_deleted or email is null or email_normalised is not null'},
            {'name': 'country_is_known', 'severity': 'warn',
             'expect': 'is_deleted or country_code is not null'},
            {'name': 'phone_is_exact', 'severity': 'warn',
             'expect': 'not ' ~ number_in_scientific_notation('phone')},
            {'name': 'tier_is_known', 'severity': 'warn',
             'expect': 'is_deleted or tier is not null'},
            {'name': 'values_are_readable', 'severity': 'warn',
             'expect': '_unreadable_values is null'},
            {'name': 'signup_at_is_plausible', 'severity': 'warn',
             'expect': 'signup_at is null or ' ~ timestamp_is_plausible('signup_at')},
        ]) }}
    from with_phone_numbers
)

select * from checked
