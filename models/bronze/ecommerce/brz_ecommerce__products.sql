-- Bronze: every ecommerce.products landing record, append-only, as it landed, with its lineage.
{{ ingest_landing_files('ecommerce', 'products') }}
