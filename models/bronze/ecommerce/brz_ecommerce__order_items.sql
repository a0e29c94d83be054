-- Bronze: every ecommerce.order_items landing record, append-only, as it landed, with its lineage.
{{ ingest_landing_files('ecommerce', 'order_items') }}
