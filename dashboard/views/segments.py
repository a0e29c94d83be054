"""Segments: RFM segment sizes and value, how customers moved between segments, and the
lifecycle stages."""

import altair as alt
import streamlit as st

from dashboard import data, ui

st.title("Segments")
st.caption("From gold.customer_rfm, gold.customer_360, gold.fct_orders and the rfm_segments seed.")

summary = ui.load(data.segment_summary)
if summary is not None:
    currency = ui.currency_of(summary)
    columns = st.columns(3)
    columns[0].metric("Customers with a purchase", ui.count(summary.customers.sum()))
    columns[1].metric("Segments", ui.count(len(summary)))
    columns[2].metric(f"Their revenue ({currency})", ui.money(summary.revenue_reporting.sum(), 0))

    by_size = alt.Chart(summary).encode(
        y=alt.Y("rfm_segment:N", title=None, sort="-x"),
        tooltip=["rfm_segment", "customers", "revenue_reporting", "avg_recency_days"],
    )
    left, right = st.columns(2)
    left.altair_chart(
        by_size.mark_bar()
        .encode(x=alt.X("customers:Q", title="customers"))
        .properties(title="Customers per segment"),
        width="stretch",
    )
    right.altair_chart(
        by_size.mark_bar(color="#2e7d32")
        .encode(x=alt.X("revenue_reporting:Q", title=f"revenue ({currency})"))
        .properties(title="Revenue per segment"),
        width="stretch",
    )
    st.dataframe(
        summary.assign(
            share_of_customers=summary.customers / summary.customers.sum(),
            share_of_revenue=summary.revenue_reporting / summary.revenue_reporting.sum(),
        ).drop(columns="reporting_currency"),
        hide_index=True,
        column_config={
            "share_of_customers": st.column_config.NumberColumn(format="percent"),
            "share_of_revenue": st.column_config.NumberColumn(format="percent"),
            "revenue_reporting": st.column_config.NumberColumn(format="%.2f"),
            "avg_revenue_reporting": st.column_config.NumberColumn(format="%.2f"),
            "avg_purchases": st.column_config.NumberColumn(format="%.1f"),
            "avg_recency_days": st.column_config.NumberColumn(format="%.0f"),
        },
    )

st.subheader("Movement between segments")
days = st.radio(
    "Compare with the segments of",
    [30, 90, 180],
    index=1,
    format_func=lambda n: f"{n} days before the as-of date",
    horizontal=True,
    key="movement_days",
)
movement = ui.load(data.rfm_movement, days)
if movement is not None:
    stayed = movement[movement.previous_segment == movement.current_segment].customers.sum()
    new = movement[movement.previous_segment == data.NO_SEGMENT_YET].customers.sum()
    moved = movement.customers.sum() - stayed - new
    columns = st.columns(3)
    columns[0].metric("Changed segment", ui.count(moved))
    columns[1].metric("Same segment", ui.count(stayed))
    columns[2].metric("First purchase since", ui.count(new))
    heatmap = alt.Chart(movement).encode(
        x=alt.X("current_segment:N", title="segment now"),
        y=alt.Y("previous_segment:N", title=f"segment {days} days earlier"),
    )
    st.altair_chart(
        heatmap.mark_rect().encode(
            color=alt.Color("customers:Q", scale=alt.Scale(scheme="blues")),
            tooltip=["previous_segment", "current_segment", "customers"],
        )
        + heatmap.mark_text(baseline="middle").encode(text="customers:Q"),
        width="stretch",
    )
    st.caption(
        "The earlier segments are scored by the dashboard with customer_rfm's rules "
        "(recency and frequency quintiles, the rfm_segments seed) on the orders as they "
        "are now: no table keeps the segments' history."
    )

st.subheader("Lifecycle stages")
stages = ui.load(data.lifecycle_stages)
if stages is not None:
    st.altair_chart(
        alt.Chart(stages)
        .mark_bar()
        .encode(
            x=alt.X("customers:Q"),
            y=alt.Y("lifecycle_stage:N", title=None, sort="-x"),
            tooltip=["lifecycle_stage", "customers", "revenue_reporting"],
        ),
        width="stretch",
    )
