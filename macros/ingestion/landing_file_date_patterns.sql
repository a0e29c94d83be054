{#-
    The regular expressions of the delivery date in a landing file's name, in the order they
    are tried: a date with separators (`2026-06-30`, `2026_06_30`), then eight digits that
    are a date of this or the last century (`20260630`), alone or followed by a time
    (`20260630101500`, `202606301015`), not within another number (an epoch time
    `1796101000` would read as 1796-10-10); each captures year, month and day, in the
    name's last path segment. Read
    in SQL by landing_file_name_date and in Jinja by duckdb__landing_files_to_ingest (its
    warnings), so that both find the same date.
-#}
{% macro landing_file_date_patterns() %}
    {{ return([
        '([0-9]{4})[-_]([0-9]{2})[-_]([0-9]{2})[^/]*$',
        '(?:^|[^0-9])((?:19|20)[0-9]{2})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(?:[0-9]{4}(?:[0-9]{2})?)?(?:[^0-9/][^/]*)?$',
    ]) }}
{% endmacro %}
