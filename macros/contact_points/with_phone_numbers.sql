{#-
    A query over `relation` (a CTE): its rows and columns, plus the two normalised forms of
    its phone text `phone_column`:
    - `phone_national_number`: the digits of the national significant number. For an
      international notation (`+49 170 1234567`, `+49-170-1234567`, `0049 170 1234567`) the
      digits after the country calling code, which is looked up in `dial_codes` (the
      country_dial_codes seed; a code it does not know gives null); for a national notation
      (`0170 1234567`, `(0170) 1234567`) the digits after the trunk `0`. Digits without a
      trunk `0` are taken whole (`415 555 0123`, as a US number is written), unless they are
      more than a national number of the record's country has (`national_number_max_digits`
      of the dial codes) and start with its calling code: then that code was written without
      its `+` (`49 175 6516882`, `491756516882` after a spreadsheet dropped the `+`, `1 415
      555 0123` in the US, `45 12 34 56 78` in Denmark), and the digits after it are the
      national number. Fewer digits may be a national number (`4930 123456` in Germany,
      whose numbers have up to 11): taken whole. Orders and tickets have no country: their
      digits without `+` are taken whole. An extension at the end
      (`ext. 12`, `x12`) is left out (phone_digits). Null when fewer than 6 or more than 14
      digits remain (E.164 allows 15 with the calling code: more is not one number), and for
      a null or empty phone, and for a number of one digit repeated (`000 0000000`: what a
      shop types when the buyer gives none; shared by strangers, it would make them one
      customer).
    - `phone_e164`: `+<calling code><national number>` when the calling code is known: from an
      international notation, or, for a national one, from the record's country
      (`country_code_column`, an ISO code; none: the relation has no country, and a national
      notation has no E.164 form), and the two have at most 15 digits. Else null.
    The dial codes have 1 to 3 digits (E.164; the seed tests it) and are prefix-free: one
    equality join per code length, on the first 1, 2 and 3 digits, finds at most one code
    (a hash join, where a join on `like` would compare every row with every code). The
    digits are found once per row, in a subquery, and the working columns dropped at the end
    (`* except`, which DuckDB, Spark and Databricks read): written out in every expression
    and join condition, the regular expression ran 14 times per row.
-#}
{% macro with_phone_numbers(relation, phone_column, dial_codes, country_code_column=none) %}
    {%- set digits = phone_digits(phone_column) -%}
    {%- set international_dial_code -%}
        coalesce(
            {%- for length in range(1, 4) %}
            international_dial_{{ length }}.dial_code{{ ',' if not loop.last }}
            {%- endfor %}
        )
    {%- endset %}
    select * except (_phone_digits, _international_digits, _dial_code, _national_number)
    from (
        select
            *,
            -- concat is null-safe on DuckDB, not on Spark: the code is checked first
            case
                when
                    length(_national_number) >= 6
                    and _dial_code is not null
                    and length(_dial_code) + length(_national_number) <= 15
                    and replace(_national_number, substr(_national_number, 1, 1), '') != ''
                    then concat('+', _dial_code, _national_number)
            end as phone_e164,
            case
                when
                    length(_national_number) between 6 and 14
                    and replace(_national_number, substr(_national_number, 1, 1), '') != ''
                    then _national_number
            end as phone_national_number
        from (
            select
                phone_parts.*,
                {%- if country_code_column %}
                coalesce({{ international_dial_code }}, home_dial.dial_code) as _dial_code,
                {%- else %}
                {{ international_dial_code }} as _dial_code,
                {%- endif %}
                case
                    when phone_parts._international_digits is not null
                        then substr(
                            phone_parts._international_digits,
                            length({{ international_dial_code }}) + 1
                        )
                    when phone_parts._phone_digits like '0%'
                        then substr(phone_parts._phone_digits, 2)
                    {%- if country_code_column %}
                    -- the country's own code written without its `+` (a spreadsheet drops it):
                    -- more digits than a national number of the country has
                    when
                        length(phone_parts._phone_digits) > home_dial.national_number_max_digits
                        and substr(phone_parts._phone_digits, 1, length(home_dial.dial_code))
                        = home_dial.dial_code
                        then substr(phone_parts._phone_digits, length(home_dial.dial_code) + 1)
                    {%- endif %}
                    else phone_parts._phone_digits
                end as _national_number
            from (
                -- the digits once per row: a regular expression costs more than the joins (the
                -- engine computes the expression repeated in this select once)
                select
                    *,
                    {{ digits }} as _phone_digits,
                    case
                        when trim({{ phone_column }}) like '+%' then {{ digits }}
                        when {{ digits }} like '00%'
                            then substr({{ digits }}, 3)
                    end as _international_digits
                from {{ relation }}
            ) as phone_parts
            {%- for length in range(1, 4) %}
            left join (select distinct dial_code from {{ dial_codes }}) as international_dial_{{ length }}
                on
                    length(international_dial_{{ length }}.dial_code) = {{ length }}
                    and substr(phone_parts._international_digits, 1, {{ length }})
                    = international_dial_{{ length }}.dial_code
            {%- endfor %}
            {%- if country_code_column %}
            left join {{ dial_codes }} as home_dial
                on
                    phone_parts._international_digits is null
                    and phone_parts.{{ country_code_column }} = home_dial.country_code
            {%- endif %}
        ) as phone_numbers
    ) as phones
{% endmacro %}
