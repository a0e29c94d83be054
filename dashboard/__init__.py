"""The local Customer 360 dashboard: a Streamlit app over the DuckDB warehouse (read-only).

`make dashboard` starts it (docs/dashboard.md). `app.py` is the entry point, `data.py` the
only module that reads the warehouse, the dbt artifacts and the MLflow registry, `ui.py` the
pieces the pages share, and `views/` one module per page (not `pages/`, which Streamlit would also serve as pages of its own).
"""
