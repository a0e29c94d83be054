-- Bronze: every crm.account_links landing record (the optional crosswalk), append-only, as it
-- landed, with its lineage. Empty when the landing root has no crm/account_links folder.
{{ ingest_landing_files('crm', 'account_links') }}
