{#-
    The files under the landing root that no contract's glob matches (another case, another
    folder, a typo in the name): bronze never reads them. Files whose name starts with `_` or
    `.` (the generator's `_manifest.json`, hidden files) are left out. Returns a list in name
    order, or none when the engine cannot list files from SQL (landing_glob_files).
-#}
{% macro unmatched_landing_files(contracts) %}
    {% set landed = landing_glob_files([var('landing_root') ~ '/**']) %}
    {% if landed is none %}
        {{ return(none) }}
    {% endif %}
    {% set matched = landing_glob_files(contracts | map(attribute='path') | list) %}
    {% set unmatched = [] %}
    {% for file in landed if file not in matched %}
        {#- the file name as DuckDB's parse_filename reads it: after the last / or \ -#}
        {% if not (file | replace('\\', '/')).split('/')[-1].startswith(('_', '.')) %}
            {% do unmatched.append(file) %}
        {% endif %}
    {% endfor %}
    {{ return(unmatched) }}
{% endmacro %}
