{#-
    regex_match_expression(column_name, regex, is_raw, flags): the boolean SQL that says a
    value contains a match of regex (a search, not a full match: anchor with ^ and $).

    - DuckDB: regexp_matches(value, 'regex', 'flags') (RE2 syntax; flags c i l m n p s).
    - Spark / Databricks: value rlike 'regex' (Java syntax); flags become an inline group
      (?flags) (Java flags d i m s u x U). is_raw writes the pattern as a raw literal
      r'...', so backslashes reach the regex engine as written; without it Spark's string
      literal rules apply and a backslash has to be doubled.
    - other engines: regexp_like(value, 'regex'[, 'flags']).
    DuckDB has no backslash escapes in string literals, so is_raw changes nothing there:
    a pattern written with is_raw: true means the same on both engines. 'i' (ignore case)
    is the one flag with the same meaning everywhere.
-#}

{%- macro regex_match_expression(column_name, regex, is_raw=false, flags='') -%}
    {{ return(adapter.dispatch('regex_match_expression', 'customer360')(
        column_name, regex, is_raw, flags
    )) }}
{%- endmacro -%}


{%- macro default__regex_match_expression(column_name, regex, is_raw, flags) -%}
    regexp_like({{ column_name }}, '{{ dbt.escape_single_quotes(regex) }}'
    {%- if flags %}, '{{ flags }}'{% endif %})
{%- endmacro -%}


{%- macro duckdb__regex_match_expression(column_name, regex, is_raw, flags) -%}
    {%- do customer360._check_regex_flags(flags, 'cilmnps') -%}
    regexp_matches({{ column_name }}, '{{ dbt.escape_single_quotes(regex) }}'
    {%- if flags %}, '{{ flags }}'{% endif %})
{%- endmacro -%}


{%- macro spark__regex_match_expression(column_name, regex, is_raw, flags) -%}
    {%- do customer360._check_regex_flags(flags, 'dimsuxU') -%}
    {%- set pattern = ('(?' ~ flags ~ ')' if flags else '') ~ regex -%}
    {%- if is_raw -%}
        {%- if execute and "'" in pattern -%}
            {{ exceptions.raise_compiler_error(
                "A raw regex cannot contain a single quote on Spark: " ~ regex
                ~ " (use \\x27, or is_raw: false)"
            ) }}
        {%- endif -%}
        {{ column_name }} rlike r'{{ pattern }}'
    {%- else -%}
        {{ column_name }} rlike '{{ dbt.escape_single_quotes(pattern) }}'
    {%- endif -%}
{%- endmacro -%}


{%- macro _check_regex_flags(flags, alphabet) -%}
    {%- for flag in (flags or '') -%}
        {%- if execute and flag not in alphabet -%}
            {{ exceptions.raise_compiler_error(
                "Regex flag '" ~ flag ~ "' is not supported on " ~ target.type
                ~ " (allowed: " ~ alphabet ~ ")."
            ) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro -%}
