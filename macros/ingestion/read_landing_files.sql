{#-
    Read landing files as records: the contract's columns (strings for JSON lines and CSV,
    the contract types for Parquet), `_rescued_data` (the raw text of a record that does not
    parse, or the fields the contract does not know, as JSON), `_source_file` and
    `_source_row_number` (the record's line or row in its file, from 1).
    Nothing is dropped: a malformed record is a row with null columns and its raw text.
-#}
{% macro read_landing_files(contract, files) %}
    {{ return(adapter.dispatch('read_landing_files', 'customer360')(contract, files)) }}
{% endmacro %}


{% macro duckdb__read_landing_files(contract, files) %}
    {%- set file_list -%}
        [{% for file in files %}{{ privacy_literal(file) }}{{ ', ' if not loop.last }}{% endfor %}]
    {%- endset -%}
    {%- if contract.format == 'jsonl' -%}
        {{ duckdb__read_json_lines(contract, files) }}
    {%- elif contract.format in ('csv', 'parquet') -%}
        {{ duckdb__read_tabular_files(contract, file_list) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("Unknown landing format '" ~ contract.format ~ "' (expected jsonl, csv or parquet).") }}
    {%- endif -%}
{% endmacro %}


{#-
    JSON lines are read as text, one line a record, so a line that is not JSON is kept (a
    UTF-8 byte order mark, U+FEFF, at the start of a line is not part of it).
    read_csv with a delimiter JSON text cannot contain (0x1F: control characters must be
    escaped inside JSON strings) and no quoting yields each line whole, streamed in file order;
    its longest line is set to the largest file, so a line of any length is read. A file that
    is not valid UTF-8 cannot be read as text: its lines are split from its bytes instead, and
    a line that is not valid UTF-8 is kept as a malformed record whose raw text is its bytes
    escaped as DuckDB shows a BLOB (`\xFF`).
-#}
{% macro duckdb__read_json_lines(contract, files) %}
    {%- set known_keys_as_nulls = '{' ~ (contract.columns.keys() | map('tojson') | map('string') | join(': null, ')) ~ ': null}' -%}
    {%- set checked -%}
        select filename, size, try(decode(content)) is null as is_not_utf8
        from read_blob([{% for file in files %}{{ privacy_literal(file) }}{{ ', ' if not loop.last }}{% endfor %}])
        order by filename
    {%- endset -%}
    {%- set text_files, byte_files, sizes = [], [], [2000000] -%}
    {%- for file, size, is_not_utf8 in run_query(checked).rows -%}
        {%- do (byte_files if is_not_utf8 else text_files).append(file) -%}
        {%- do sizes.append(size + 1) -%}
    {%- endfor %}
    with lines as (
        {%- if text_files %}
        select
            _source_file,
            _raw_line,
            _scan_row_number - min(_scan_row_number) over (partition by _source_file) + 1
                as _source_row_number
        from (
            select
                filename as _source_file,
                line as _raw_line,
                row_number() over () as _scan_row_number
            from read_csv([{% for file in text_files %}{{ privacy_literal(file) }}{{ ', ' if not loop.last }}{% endfor %}],
                columns = {'line': 'VARCHAR'}, header = false,
                delim = chr(31), quote = '', escape = '', auto_detect = false,
                strict_mode = false, filename = true, max_line_size = {{ sizes | max }})
        ) as text_lines
        {%- endif %}
        {{- '\n        union all' if text_files and byte_files }}
        {%- if byte_files %}
        select
            _source_file,
            coalesce(try(decode(cast(_escaped_line as blob))), _escaped_line) as _raw_line,
            _source_row_number
        from (
            select
                filename as _source_file,
                unnest(string_split(cast(content as varchar), '\x0A')) as _escaped_line,
                generate_subscripts(string_split(cast(content as varchar), '\x0A'), 1)
                    as _source_row_number
            from read_blob([{% for file in byte_files %}{{ privacy_literal(file) }}{{ ', ' if not loop.last }}{% endfor %}])
        ) as byte_lines
        {%- endif %}
    ),

    parsed as (
        select
            _source_file,
            _source_row_number,
            ltrim(rtrim(_raw_line, chr(13)), chr(65279)) as _line,
            coalesce(json_valid(_line), false) and starts_with(ltrim(_line), '{') as _is_object
        from lines
        where trim(_raw_line) <> ''
    ),

    typed as (
        select
            *,
            case when _is_object then _line end as _json
        from parsed
    )

    select
        {%- for name in contract.columns %}
        json_extract_string(_json, '$."{{ name }}"') as {{ name }},
        {%- endfor %}
        case
            when not _is_object then _line
            else nullif(cast(json_merge_patch(_json, '{{ known_keys_as_nulls }}') as varchar), '{}')
        end as _rescued_data,
        not _is_object as _is_malformed,
        _source_file,
        cast(_source_row_number as bigint) as _source_row_number
    from typed
{% endmacro %}


{#-
    CSV and Parquet: columns matched by name; contract columns a file lacks are null, columns
    the contract lacks go to _rescued_data. Parquet files are read together, in groups of the
    same schema (in their footers). CSV files are read in groups of the same header, each with the dialect
    given, so that DuckDB does not sniff every file (union_by_name would, twice). A UTF-8 byte
    order mark before the header is not part of the first name; a row with more fields than
    its header keeps the extra ones in _rescued_data (`_field_<position>`), counting the
    fields of the widest line of the group's files (commas counted, so never too few).
-#}
{% macro duckdb__read_tabular_files(contract, file_list) %}
    {%- if contract.format == 'csv' -%}
        {%- set headers -%}
            select
                filename,
                ltrim(rtrim(split_part(content, chr(10), 1), chr(13)), chr(65279)) as header,
                list_max(list_transform(string_split(content, chr(10)),
                    line -> length(line) - length(replace(line, ',', '')) + 1)) as widest
            from read_text({{ file_list }})
            order by filename
        {%- endset -%}
        {%- set groups = {} -%}
        {%- set widths = {} -%}
        {%- for filename, header, widest in run_query(headers).rows -%}
            {%- do groups.setdefault(header, []).append(filename) -%}
            {%- do widths.update({header: [widths.get(header, 0), widest or 0] | max}) -%}
        {%- endfor -%}
        {%- for header, files in groups.items() %}
            {%- set present = header.split(',') | map('trim') | map('replace', '"', '') | list -%}
            {#- room for the fields of a row longer than its header (a ragged row), which go
                to _rescued_data as _field_<position> -#}
            {%- set spare = [] -%}
            {%- for position in range(present | length + 1, widths[header] + 1) -%}
                {%- do spare.append('_field_' ~ position) -%}
            {%- endfor -%}
            {%- set reader -%}
                read_csv([{% for file in files %}{{ privacy_literal(file) }}{{ ', ' if not loop.last }}{% endfor %}], header = true, auto_detect = false,
                    delim = ',', quote = '"', escape = '"', null_padding = true, strict_mode = false,
                    filename = true, columns = {
                    {%- for name in present + spare %}{{ privacy_literal(name) }}: 'VARCHAR'{{ ', ' if not loop.last }}{% endfor -%}
                })
            {%- endset %}
            {{ duckdb__tabular_records(contract, reader, present + spare, spare) }}
            {{ 'union all' if not loop.last }}
        {%- endfor %}
    {%- else -%}
        {#- grouped by schema (column names and types): read together, files whose column
            types differ would be cast to one type, which fails (BIGINT and TIMESTAMP) -#}
        {%- set schemas -%}
            select
                file_name,
                string_agg(concat_ws(' ', name, type, converted_type, cast(logical_type as varchar)), ', '
                    order by name) as signature
            from parquet_schema({{ file_list }})
            where coalesce(num_children, 0) = 0
            group by file_name
            order by file_name
        {%- endset -%}
        {%- set groups = {} -%}
        {%- for file_name, signature in run_query(schemas).rows -%}
            {%- do groups.setdefault(signature, []).append(file_name) -%}
        {%- endfor -%}
        {%- for files in groups.values() %}
            {%- set reader -%}
                read_parquet([{% for file in files %}{{ privacy_literal(file) }}{{ ', ' if not loop.last }}{% endfor %}], union_by_name = true, filename = true, file_row_number = true)
            {%- endset -%}
            {%- set described = run_query('describe select * from ' ~ reader) -%}
            {{ duckdb__tabular_records(contract, reader, described.columns[0].values() | list) }}
            {{ 'union all' if not loop.last }}
        {%- endfor %}
    {%- endif -%}
{% endmacro %}


{#-
    The records of one tabular read whose columns are `present`: contract columns cast to
    their bronze type (null when absent), the others as JSON in _rescued_data, and each
    record's row in its file (CSV: counted in scan order, which DuckDB keeps; Parquet: the
    reader's file_row_number). `spare`: the CSV columns read for the fields of ragged rows,
    in _rescued_data only when they hold a value. A Parquet value its contract type cannot hold (a string
    `yesterday` or an int64 for a timestamp, `five` for an integer) is null in its column and
    kept, as text, under its column's name in _rescued_data (try_cast); Parquet's
    _rescued_data leaves out null values.
-#}
{% macro duckdb__tabular_records(contract, reader, present, spare=[]) %}
    {%- set extra = present | reject('in', contract.columns.keys() | list)
        | reject('in', ['filename', 'file_row_number']) | list -%}
    {#- Parquet columns typed by the contract (not strings), present in the file -#}
    {%- set typed = [] -%}
    {%- if contract.format == 'parquet' -%}
        {%- for name, data_type in contract.columns.items()
            if name in present and (bronze_column_type(contract, data_type) | trim | lower) not in ['string', 'varchar'] -%}
            {%- do typed.append(name) -%}
        {%- endfor -%}
    {%- endif %}
    select
        {%- for name, data_type in contract.columns.items() %}
        {%- if name in typed %}
        try_cast({{ quote_landing_name(name) }} as {{ bronze_column_type(contract, data_type) }}) as {{ name }},
        {%- elif name in present %}
        cast({{ quote_landing_name(name) }} as {{ bronze_column_type(contract, data_type) }}) as {{ name }},
        {%- else %}
        cast(null as {{ bronze_column_type(contract, data_type) }}) as {{ name }},
        {%- endif %}
        {%- endfor %}
        {%- if contract.format == 'parquet' and (extra or typed) %}
        {#- the extra columns and the values the contract type cannot hold, without nulls -#}
        nullif(cast(json_merge_patch('{}', json_object(
            {%- for name in extra %}
            {{ privacy_literal(name) }}, {{ quote_landing_name(name) }},
            {%- endfor %}
            {%- for name in typed %}
            {{ privacy_literal(name) }}, case
                when try_cast({{ quote_landing_name(name) }} as {{ bronze_column_type(contract, contract.columns[name]) }}) is null
                    then cast({{ quote_landing_name(name) }} as varchar)
            end{{ ',' if not loop.last }}
            {%- endfor %}
        )) as varchar), '{}') as _rescued_data,
        {%- elif extra %}
        {%- set named = extra | reject('in', spare) | list %}
        case
            when {% for name in extra %}{{ quote_landing_name(name) }} is not null{{ ' or ' if not loop.last }}{% endfor %}
                then cast(
                    {%- if spare %}
                    {#- the extra fields of a ragged row, without the empty spare columns -#}
                    json_merge_patch(
                    {%- endif %}
                    json_object({% for name in named %}{{ privacy_literal(name) }}, {{ quote_landing_name(name) }}{{ ', ' if not loop.last }}{% endfor %})
                    {%- if spare %},
                    json_object({% for name in spare %}{{ privacy_literal(name) }}, {{ quote_landing_name(name) }}{{ ', ' if not loop.last }}{% endfor %}))
                    {%- endif %} as varchar)
        end as _rescued_data,
        {%- else %}
        cast(null as varchar) as _rescued_data,
        {%- endif %}
        false as _is_malformed,
        filename as _source_file,
        {%- if contract.format == 'csv' %}
        cast(_scan_row_number - min(_scan_row_number) over (partition by filename) + 1 as bigint)
        {%- else %}
        cast(file_row_number + 1 as bigint)
        {%- endif %} as _source_row_number
    from (
        select
            *
            {%- if contract.format == 'csv' %},
            row_number() over () as _scan_row_number
            {%- endif %}
        from {{ reader }}
    ) as scanned
{% endmacro %}


{#-
    Spark SQL: open-source Spark (the local Spark check); Databricks has its own body below.
    Spark SQL cannot list a folder, so the contract's glob is read whole and the files this
    model has already ingested are left out by path. JSON lines and CSV are read as text lines,
    so that a record that does not parse keeps its raw text; Parquet with Spark's reader
    (files with different columns are merged by name: spark.sql.parquet.mergeSchema, set on the
    spark target). Same columns and row numbers as the DuckDB body.
-#}
{% macro spark__read_landing_files(contract, files) %}
    {%- if contract.format == 'jsonl' -%}
        {{ spark__read_json_lines(contract) }}
    {%- elif contract.format == 'csv' -%}
        {{ spark__read_csv_files(contract) }}
    {%- elif contract.format == 'parquet' -%}
        {{ spark__read_parquet_files(contract) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("Unknown landing format '" ~ contract.format ~ "' (expected jsonl, csv or parquet).") }}
    {%- endif -%}
{% endmacro %}


{#-
    The landing file of each row, as a plain path: Spark gives a URI (`file:` for local files,
    special characters percent-encoded: `o%27brien`, `%20`), decoded here (a `+` is a plus).
-#}
{% macro spark__landing_file_path() -%}
    url_decode(replace(regexp_replace(_metadata.file_path, '^file:(//)?', ''), '+', '%2B'))
{%- endmacro %}


{#-
    The text lines of the contract's files that this model has not ingested yet, numbered
    from 1 in each file (monotonically_increasing_id follows the read order of a file),
    without a leading UTF-8 byte order mark.
-#}
{% macro spark__landing_text_lines(contract) %}
    lines as (
        select
            trim(leading decode(unhex('EFBBBF'), 'UTF-8') from value) as _line,
            {{ spark__landing_file_path() }} as _source_file,
            monotonically_increasing_id() as _scan_order
        from text.{{ quote_landing_name(contract.path) }}
    ),

    numbered_lines as (
        select
            _line,
            _source_file,
            row_number() over (partition by _source_file order by _scan_order) as _line_number
        from lines
        {%- if is_incremental() %}
        where {{ landing_file_is_new(contract, '_source_file') }}
        {%- endif %}
    )
{% endmacro %}


{#- The keys of the map `fields` that the contract does not know, as a JSON object; null when none has a value. -#}
{% macro spark__unknown_fields_as_json(contract, fields) -%}
    case
        when exists(
            map_values(map_filter({{ fields }}, (k, v) -> not array_contains(array('{{ contract.columns.keys() | join("', '") }}'), k))),
            v -> v is not null
        )
            then to_json(map_filter({{ fields }}, (k, v) -> not array_contains(array('{{ contract.columns.keys() | join("', '") }}'), k)))
    end
{%- endmacro %}


{#- JSON lines: a line that is not a JSON object is kept whole in _rescued_data. -#}
{% macro spark__read_json_lines(contract) %}
    with {{ spark__landing_text_lines(contract) }},

    parsed as (
        select
            *,
            from_json(_line, 'map<string, string>') as _fields
        from numbered_lines
        where trim(_line) <> ''
    )

    select
        {%- for name in contract.columns %}
        _fields['{{ name }}'] as {{ name }},
        {%- endfor %}
        case
            when _fields is null then _line
            else {{ spark__unknown_fields_as_json(contract, '_fields') }}
        end as _rescued_data,
        _fields is null as _is_malformed,
        _source_file,
        cast(_line_number as bigint) as _source_row_number
    from parsed
{% endmacro %}


{#-
    CSV with a header row, which may differ between files (schema drift): every data line is
    read with the header of its own file, so columns match by name; a contract column a file
    lacks is null, a column the contract lacks goes to _rescued_data, and so do the fields of a
    row longer than its header (`_field_<position>`, as on DuckDB). The widest line is looked
    up first to know how many fields a line can have.
-#}
{% macro spark__read_csv_files(contract) %}
    {#- as many fields as the widest line may have (commas counted, so never too few) -#}
    {%- set widest = run_query(
        "select max(size(split(value, ','))) from text." ~ quote_landing_name(contract.path)
    ).columns[0].values()[0] -%}
    {%- set fields = [] -%}
    {%- for position in range(1, [contract.columns | length, widest or 0] | max + 1) -%}
        {%- do fields.append('field_' ~ position) -%}
    {%- endfor -%}
    {%- set line_schema = fields | join(' string, ') ~ ' string' -%}
    with {{ spark__landing_text_lines(contract) }},

    with_header as (
        select
            *,
            first_value(_line) over (partition by _source_file order by _line_number) as _header
        from numbered_lines
    ),

    split_lines as (
        select
            from_csv(_header, '{{ line_schema }}') as _names,
            from_csv(_line, '{{ line_schema }}') as _values,
            _source_file,
            _line_number - 1 as _row_number
        from with_header
        where _line_number > 1 and trim(_line) <> ''
    ),

    parsed as (
        select
            map_from_entries(filter(
                array(
                    {%- for field in fields %}
                    named_struct(
                        'name', coalesce(
                            trim(_names.{{ field }}),
                            case when _values.{{ field }} is not null then '_{{ field }}' end
                        ),
                        'value', _values.{{ field }}
                    ){{ ',' if not loop.last }}
                    {%- endfor %}
                ),
                field -> field.name is not null
            )) as _fields,
            _source_file,
            _row_number
        from split_lines
    )

    select
        {%- for name in contract.columns %}
        _fields['{{ name }}'] as {{ name }},
        {%- endfor %}
        {{ spark__unknown_fields_as_json(contract, '_fields') }} as _rescued_data,
        false as _is_malformed,
        _source_file,
        cast(_row_number as bigint) as _source_row_number
    from parsed
{% endmacro %}


{#- Parquet: the contract columns in the contract types; other columns go to _rescued_data. -#}
{% macro spark__read_parquet_files(contract) %}
    {%- set described = run_query('describe query select * from parquet.' ~ quote_landing_name(contract.path)) -%}
    {%- set present = described.columns[0].values() | list -%}
    {%- set extra = present | reject('in', contract.columns.keys() | list) | list -%}
    with records as (
        select
            *,
            {{ spark__landing_file_path() }} as _source_file,
            _metadata.row_index + 1 as _row_number
        from parquet.{{ quote_landing_name(contract.path) }}
    )

    select
        {%- for name, data_type in contract.columns.items() %}
        {%- if name in present %}
        cast({{ quote_landing_name(name) }} as {{ data_type }}) as {{ name }},
        {%- else %}
        cast(null as {{ data_type }}) as {{ name }},
        {%- endif %}
        {%- endfor %}
        {%- if extra %}
        case
            when {% for name in extra %}{{ quote_landing_name(name) }} is not null{{ ' or ' if not loop.last }}{% endfor %}
                then to_json(named_struct({% for name in extra %}{{ privacy_literal(name) }}, {{ quote_landing_name(name) }}{{ ', ' if not loop.last }}{% endfor %}))
        end as _rescued_data,
        {%- else %}
        cast(null as string) as _rescued_data,
        {%- endif %}
        false as _is_malformed,
        _source_file,
        cast(_row_number as bigint) as _source_row_number
    from records
    {%- if is_incremental() %}
    where {{ landing_file_is_new(contract, '_source_file') }}
    {%- endif %}
{% endmacro %}


{#-
    Databricks: read_files over the landing folder (a Unity Catalog volume), with the contract
    as the schema. Fields the contract does not know or cannot type go to Databricks' rescued
    data column; a JSON line or CSV row that does not parse at all keeps its raw text through
    the corrupt-record column, so that, as on the other engines, a malformed record is a row
    with null columns, `_is_malformed` and its text in `_rescued_data`.
    File paths are decoded from the URI `_metadata.file_path` gives, as on Spark (not checked
    on a workspace). Batch (incremental) runs keep the files not ingested yet. On a streaming table (dbt var
    bronze_streaming, see dbt_project.yml) the same read is `stream read_files(...)`: Auto
    Loader remembers the files it has read, and a stream can number no rows (no window, no
    monotonically_increasing_id), so _source_row_number is null there and landing_record_id
    identifies the record instead.
-#}
{% macro databricks__read_landing_files(contract, files) %}
    {%- set is_streaming = config.get('materialized') == 'streaming_table' -%}
    {%- set keeps_corrupt_records = contract.format in ('jsonl', 'csv') -%}
    {%- set schema_columns = [] -%}
    {%- for name, data_type in contract.columns.items() -%}
        {%- do schema_columns.append(name ~ ' ' ~ (bronze_column_type(contract, data_type) | trim)) -%}
    {%- endfor -%}
    {%- if keeps_corrupt_records -%}
        {%- do schema_columns.append('_corrupt_record string') -%}
    {%- endif -%}
    {%- set reader_format = {'jsonl': 'json', 'csv': 'csv', 'parquet': 'parquet'}[contract.format] -%}
    with scanned as (
        select
            *,
            url_decode(replace(regexp_replace(_metadata.file_path, '^dbfs:', ''), '+', '%2B'))
                as _file_path
            {%- if not is_streaming %},
            _metadata.file_block_start as _file_block_start,
            monotonically_increasing_id() as _scan_order
            {%- endif %}
        from {{ 'stream ' if is_streaming }}read_files(
            {{ privacy_literal(contract.path) }},
            format => '{{ reader_format }}',
            schema => '{{ schema_columns | join(", ") }}',
            rescuedDataColumn => '_rescued_data',
            mode => 'PERMISSIVE'
            {%- if keeps_corrupt_records %},
            columnNameOfCorruptRecord => '_corrupt_record'
            {%- endif %}
            {%- if contract.format == 'csv' %},
            header => true
            {%- endif %}
        )
    ),

    records as (
        select
            {%- for name in contract.columns %}
            {{ name }},
            {%- endfor %}
            {%- if keeps_corrupt_records %}
            coalesce(_corrupt_record, _rescued_data) as _rescued_data,
            _corrupt_record is not null as _is_malformed,
            {%- else %}
            _rescued_data,
            false as _is_malformed,
            {%- endif %}
            _file_path as _source_file,
            {%- if is_streaming %}
            cast(null as bigint) as _source_row_number
            {%- else %}
            row_number() over (
                partition by _file_path
                order by _file_block_start, _scan_order
            ) as _source_row_number
            {%- endif %}
        from scanned
        {%- if not is_streaming and is_incremental() %}
        where {{ landing_file_is_new(contract, '_file_path') }}
        {%- endif %}
    )

    select * from records
{% endmacro %}
