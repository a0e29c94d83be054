{#-
    A query over `relation` (a CTE): its rows and columns, plus the two normalised forms of
    its phone text `phone_column`:
    - `phone_national_number`: the digits of the national significant number. For an
      international notation (`+49 170 1234567`, `+49-170-1234567`, `0049 170 1234567`) the
      digits after the country calling code, which is looked up in `dial_codes` (the
      country_dial_codes seed; a code it does not know gives null); for a national notation
      (`0170 1234567`, `(0170) 1234567`) the digits after the trunk `0` (digits without a
      trunk `0`, as a US number is written, are taken whole). Null when fewer than 6 digits
      remain (and for a null or empty phone).
    - `phone_e164`: `+<calling code><national number>` when the calling code is known: from an
      international notation, or, for a national one, from the record's country
      (`country_code_column`, an ISO code; none: the relation has no country, and a national
      notation has no E.164 form). Else null.
    The dial codes have 1 to 3 digits (E.164; the seed tests it) and are prefix-free: one
    equality join per code length, on the first 1, 2 and 3 digits, finds at most one code
    (a hash join, where a join on `like` would compare every row with every code).
-#}
{% macro with_phone_numbers(relation, phone_column, dial_codes, country_code_column=none) %}
    {%- set phone = relation ~ '.' ~ phone_column -%}
    {%- set digits = phone_digits(phone) -%}
    {%- set is_international -%}
        (trim({{ phone }}) like '+%' or {{ digits }} like '00%')
    {%- endset -%}
    {%- set international_digits -%}
        case
            when trim({{ phone }}) like '+%' then {{ digits }}
            when {{ digits }} like '00%' then substr({{ digits }}, 3)
        end
    {%- endset -%}
    {%- set international_dial_code -%}
        coalesce(
            {%- for length in range(1, 4) %}
            international_dial_{{ length }}.dial_code{{ ',' if not loop.last }}
            {%- endfor %}
        )
    {%- endset -%}
    {%- set national_number -%}
        case
            when {{ is_international }}
                then substr({{ international_digits }}, length({{ international_dial_code }}) + 1)
            when {{ digits }} like '0%' then substr({{ digits }}, 2)
            else {{ digits }}
        end
    {%- endset %}
    {%- set dial_code -%}
        {%- if country_code_column -%}
        coalesce({{ international_dial_code }}, home_dial.dial_code)
        {%- else -%}
        {{ international_dial_code }}
        {%- endif -%}
    {%- endset %}
    select
        {{ relation }}.*,
        -- concat is null-safe on DuckDB, not on Spark: the code is checked first
        case
            when length({{ national_number }}) >= 6 and {{ dial_code }} is not null
                then concat('+', {{ dial_code }}, {{ national_number }})
        end as phone_e164,
        case
            when length({{ national_number }}) >= 6 then {{ national_number }}
        end as phone_national_number
    from {{ relation }}
    {%- for length in range(1, 4) %}
    left join (select distinct dial_code from {{ dial_codes }}) as international_dial_{{ length }}
        on
            length(international_dial_{{ length }}.dial_code) = {{ length }}
            and substr({{ international_digits }}, 1, {{ length }}) = international_dial_{{ length }}.dial_code
    {%- endfor %}
    {%- if country_code_column %}
    left join {{ dial_codes }} as home_dial
        on
            not {{ is_international }}
            and {{ relation }}.{{ country_code_column }} = home_dial.country_code
    {%- endif %}
{% endmacro %}
