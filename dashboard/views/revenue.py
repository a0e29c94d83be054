"""Revenue: net revenue by day or month, country and channel."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, ui

st.title("Revenue")
st.caption(
    "From gold.revenue_daily and gold.revenue_monthly, in the reporting currency: net revenue "
    "is gross revenue less returned orders; cancelled orders count 0."
)

grain = st.radio("By", ["month", "day"], horizontal=True, key="grain")
revenue = ui.load(data.revenue_monthly if grain == "month" else data.revenue_daily)
if revenue is None:
    st.stop()
period = "order_month" if grain == "month" else "order_date"
currency = ui.currency_of(revenue)

left, right = st.columns(2)
countries = left.multiselect(
    "Countries", sorted(revenue.country_code.unique()), placeholder="all", key="countries"
)
channels = right.multiselect(
    "Channels", sorted(revenue.channel.unique()), placeholder="all", key="channels"
)
if countries:
    revenue = revenue[revenue.country_code.isin(countries)]
if channels:
    revenue = revenue[revenue.channel.isin(channels)]
if revenue.empty:
    st.info("No orders in the selected countries and channels.")
    st.stop()

totals = revenue.sum(numeric_only=True)
columns = st.columns(4)
columns[0].metric(f"Net revenue ({currency})", ui.money(totals.net_revenue_reporting, 0))
columns[1].metric(f"Gross revenue ({currency})", ui.money(totals.gross_revenue_reporting, 0))
columns[2].metric("Orders", ui.count(totals.orders_count))
columns[3].metric(
    "Cancelled or returned",
    ui.share((totals.cancelled_orders_count + totals.returned_orders_count) / totals.orders_count),
    help="Share of the orders placed that were cancelled or returned since.",
)

by_period = revenue.groupby([period, "channel"], as_index=False).net_revenue_reporting.sum()
st.altair_chart(
    alt.Chart(by_period)
    .mark_area()
    .encode(
        x=alt.X(f"{period}:T", title=None),
        y=alt.Y("net_revenue_reporting:Q", title=f"net revenue ({currency})", stack=True),
        color=alt.Color("channel:N"),
        tooltip=[f"{period}:T", "channel", "net_revenue_reporting"],
    )
    .properties(title=f"Net revenue per {grain} and channel", height=320),
    width="stretch",
)
if grain == "month":
    st.caption(
        "Calendar months: the first and the last hold only the days the data covers; the month"
        " of the as-of date is not over, so it has no growth."
    )


def bars(frame: pd.DataFrame, dimension: str, title: str) -> alt.Chart:
    totals = frame.groupby(dimension, as_index=False).net_revenue_reporting.sum()
    return (
        alt.Chart(totals)
        .mark_bar()
        .encode(
            x=alt.X("net_revenue_reporting:Q", title=f"net revenue ({currency})"),
            y=alt.Y(f"{dimension}:N", title=None, sort="-x"),
            tooltip=[dimension, "net_revenue_reporting"],
        )
        .properties(title=title)
    )


left, right = st.columns(2)
left.altair_chart(bars(revenue, "country_code", "By country"), width="stretch")
right.altair_chart(bars(revenue, "channel", "By channel"), width="stretch")

st.subheader(f"Per {grain}")
# column -> (label, format) of the table
table_columns = {
    "orders_count": ("orders", "localized"),
    "cancelled_orders_count": ("cancelled", "localized"),
    "returned_orders_count": ("returned", "localized"),
    "gross_revenue_reporting": (f"gross ({currency})", "localized"),
    "returned_revenue_reporting": (f"returned ({currency})", "localized"),
    "net_revenue_reporting": (f"net ({currency})", "localized"),
}
table = revenue.groupby(period, as_index=False)[list(table_columns)].sum()
if grain == "month":
    # against the previous row, which is the previous calendar month only when it had orders;
    # none for the month of the as-of date, which is not over
    previous = table.net_revenue_reporting.shift()
    months_apart = table.order_month.dt.to_period("M").astype("int64").diff()
    growth = (table.net_revenue_reporting - previous) / previous
    complete = table.order_month.map(revenue.groupby(period).is_complete_month.all())
    table["net_growth"] = growth.where((months_apart == 1) & complete.astype(bool))
    table_columns["net_growth"] = ("net vs previous month", "percent")
st.dataframe(
    table.sort_values(period, ascending=False),
    hide_index=True,
    column_config={
        period: st.column_config.DateColumn(
            grain, format="YYYY-MM" if grain == "month" else "YYYY-MM-DD"
        ),
        **{
            column: st.column_config.NumberColumn(label, format=number_format)
            for column, (label, number_format) in table_columns.items()
        },
    },
)
