{#-
    A landing text as a timestamp (dbt.safe_cast), null when it names its time zone by
    letters other than UTC or GMT (`2026-07-07 05:00:31 BST`): an abbreviation names several
    zones (BST is British summer time and Bangladesh time; DuckDB and Java read Bangladesh), so
    a record with one is quarantined, as one without a timestamp, rather than placed hours off.
    A zone by its IANA name (`Europe/London`, `Asia/Ust-Nera`) or an offset is read; the
    legacy aliases that are abbreviations too (`NZ`, `EST5EDT`) are not. The pattern runs only on
    values whose second-to-last character is a letter (`...31Z` ends in a digit and a Z).
-#}
{% macro timestamp_from_text(field) -%}
    case
        when
            lower(substr(trim({{ field }}), -2, 1)) between 'a' and 'z'
            and {{ regex_match_expression('upper(trim(' ~ field ~ '))', '[^A-Z/_-][A-Z]{2,5}$') }}
            and not {{ regex_match_expression('upper(trim(' ~ field ~ '))', '[^A-Z](UTC|GMT)$') }}
            then null
        else {{ dbt.safe_cast(field, 'timestamp') }}
    end
{%- endmacro %}
