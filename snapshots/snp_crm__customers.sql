{#-
    SCD2 history of CRM contacts as dbt saw them at each run, per `crm_id`. A contact deleted in
    the CRM leaves the snapshot's input, and `hard_deletes='new_record'` closes its last version and
    adds a row with dbt_is_deleted = true. Versions that arrive and are superseded between two
    runs are not captured here (bronze and int_customer_versions keep them).
-#}
{% snapshot snp_crm__customers %}
{{ config(
    unique_key='crm_id',
    strategy='timestamp',
    updated_at='updated_at',
    hard_deletes='new_record',
) }}

    select
        crm_id,
        first_name,
        last_name,
        email,
        email_normalised,
        phone,
        phone_e164,
        phone_national_number,
        country_code,
        country_name,
        city,
        tier,
        preferred_language,
        is_email_valid,
        has_marketing_consent,
        signup_at,
        updated_at
    from {{ ref('stg_crm__customers') }}
    where not is_deleted

{% endsnapshot %}
