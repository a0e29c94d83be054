"""The Customer 360 dashboard: `make dashboard`, or
`streamlit run dashboard/app.py` with C360_DUCKDB_PATH set (docs/dashboard.md)."""

import streamlit as st

from dashboard import ui

st.set_page_config(page_title="Customer 360", page_icon=":material/groups:", layout="wide")

page = st.navigation(
    [
        st.Page(
            "views/customer_lookup.py", title="Customer lookup", icon=":material/person_search:"
        ),
        st.Page("views/segments.py", title="Segments", icon=":material/donut_small:"),
        st.Page("views/revenue.py", title="Revenue", icon=":material/payments:"),
        st.Page("views/data_quality.py", title="Data quality", icon=":material/fact_check:"),
        st.Page("views/churn_model.py", title="Churn model", icon=":material/model_training:"),
    ]
)
ui.sidebar_warehouse()
ui.start_page()
page.run()
