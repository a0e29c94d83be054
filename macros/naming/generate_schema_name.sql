{#-
    generate_schema_name(custom_schema_name, node): one schema per layer.

    Nodes set a layer schema (+schema: bronze | silver | gold | reference | snapshots).
    On the shared targets (local, prod, and any target named in the var
    layer_schema_targets) the layer name is the schema as it is: silver.
    On every other target (a developer's Databricks dev target) the layer is prefixed with
    the target schema so developers do not overwrite each other: <target.schema>_silver.
    A node without a custom schema lands in target.schema.
-#}

{%- macro generate_schema_name(custom_schema_name, node) -%}
    {{ return(adapter.dispatch('generate_schema_name', 'customer360')(custom_schema_name, node)) }}
{%- endmacro -%}


{%- macro default__generate_schema_name(custom_schema_name, node) -%}

    {%- set layer_schema_targets = ['local', 'prod'] -%}
    {%- set extra_targets = var('layer_schema_targets', []) -%}
    {%- if extra_targets is string -%}
        {#- a comma-separated string is accepted too: --vars '{layer_schema_targets: uat}' -#}
        {%- set extra_targets = extra_targets.split(',') -%}
    {%- endif -%}
    {%- for extra_target in (extra_targets or []) -%}
        {%- do layer_schema_targets.append(extra_target | string | trim) -%}
    {%- endfor -%}

    {%- if custom_schema_name is none or custom_schema_name | trim == '' -%}
        {{ target.schema | trim }}
    {%- elif target.name in layer_schema_targets -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema | trim }}_{{ custom_schema_name | trim }}
    {%- endif -%}

{%- endmacro -%}
