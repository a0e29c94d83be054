{#-
    The Unity Catalog SQL functions behind the gold column masks and the row filter, as a list
    of Databricks SQL statements: the gold schema (so the functions can be created before the
    first gold table), then one `create or replace function` per function. They live in the
    gold schema of the target, next to the tables they protect, so the models' yml names them
    unqualified (dbt-databricks qualifies a bare name with the model's catalog and schema).
    Group names come from the vars pii_readers_group, all_regions_group and region_groups.
-#}
{% macro governance_functions_sql() %}
    {%- set gold_schema = adapter.quote(target.database) ~ '.'
        ~ adapter.quote(generate_schema_name('gold', none) | trim) -%}
    {%- set pii_readers = governance_group_literal(var('pii_readers_group')) -%}
    {%- set all_regions = governance_group_literal(var('all_regions_group')) -%}
    {%- set region_groups = var('region_groups') or {} -%}

    {%- set mask_email -%}
create or replace function {{ gold_schema }}.mask_email(email string)
returns string
comment 'Column mask for email: clear for members of {{ var("pii_readers_group") }}, otherwise the part before the @ is replaced by ***.'
return case
    when is_account_group_member({{ pii_readers }}) then email
    else regexp_replace(email, '^[^@]*', '***')
end
    {%- endset -%}

    {%- set mask_phone -%}
create or replace function {{ gold_schema }}.mask_phone(phone string)
returns string
comment 'Column mask for phone numbers: clear for members of {{ var("pii_readers_group") }}, otherwise every character but the last two is replaced by *.'
return case
    when is_account_group_member({{ pii_readers }}) then phone
    else regexp_replace(phone, '.(?=.{2})', '*')
end
    {%- endset -%}

    {%- set region_row_filter -%}
create or replace function {{ gold_schema }}.region_row_filter(region string)
returns boolean
comment 'Row filter by sales region: members of {{ var("all_regions_group") }} see every row, members of a region group (var region_groups) the rows of their region.'
return is_account_group_member({{ all_regions }})
    {%- for region, group in region_groups.items() %}
    or (region = {{ governance_group_literal(region) }} and is_account_group_member({{ governance_group_literal(group) }}))
    {%- endfor %}
    {%- endset -%}

    {{ return([
        'create schema if not exists ' ~ gold_schema,
        mask_email,
        mask_phone,
        region_row_filter,
    ]) }}
{% endmacro %}


{#- A group or region name as a SQL string literal; refuses names that could end the literal. -#}
{% macro governance_group_literal(name) %}
    {%- if name is not string or name | trim == '' or "'" in name or '\\' in name -%}
        {{ exceptions.raise_compiler_error(
            "Governance group and region names must be non-empty strings without quotes or backslashes, got: "
            ~ name ~ " (vars pii_readers_group, all_regions_group, region_groups).") }}
    {%- endif -%}
    {{ return("'" ~ name ~ "'") }}
{% endmacro %}
