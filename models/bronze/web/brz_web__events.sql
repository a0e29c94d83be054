-- Bronze: every web.events landing record, append-only, as it landed, with its lineage.
{{ ingest_landing_files('web', 'events') }}
