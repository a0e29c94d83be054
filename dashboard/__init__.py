"""The local Customer 360 dashboard: a Streamlit app over the DuckDB warehouse (read-only).

`make dashboard` starts it (docs/dashboard.md). `app.py` is the entry point, `data.py` the
only module that reads the warehouse, the dbt artifacts and the MLflow registry, `ui.py` the
pieces the pages share, `views/` one module per page (not `pages/`: Streamlit would serve
such a folder as pages of its own, beside st.navigation's), `__main__.py` the launcher and
`screenshots.py` the PNGs of docs/images/.
"""
