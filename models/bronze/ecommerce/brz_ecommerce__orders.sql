-- Bronze: every ecommerce.orders landing record, append-only, as it landed, with its lineage.
{{ ingest_landing_files('ecommerce', 'orders') }}
