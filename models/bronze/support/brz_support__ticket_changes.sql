-- Bronze: every support.ticket_changes landing record, append-only, as it landed, with its lineage.
{{ ingest_landing_files('support', 'ticket_changes') }}
