-- Bronze: every crm.customers landing record, append-only, as it landed, with its lineage.
{{ ingest_landing_files('crm', 'customers') }}
