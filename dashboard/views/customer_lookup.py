"""Customer lookup: one customer's profile, orders, web sessions and support tickets, RFM
segment, churn risk with the model version that scored it, CLV and probability of being
alive."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, ui

st.title("Customer lookup")
st.caption(
    "From gold.customer_360, gold.fct_orders, silver.int_web_sessions, "
    "silver.stg_support__tickets, gold.churn_scores and gold.customer_clv."
)

search = st.text_input(
    "Find a customer",
    placeholder="customer id, CRM id, shop account, order or ticket id, email or name",
    key="search",
)
matches = ui.load(data.find_customers, search)
if matches is None:
    st.stop()
if matches.empty:
    st.info(f"No customer matches {search.strip()!r}.")
    st.stop()
if not search.strip():
    st.caption(
        f"The {len(matches)} customers with the highest lifetime revenue; search to find any."
    )

labels = {
    row.customer_id: " · ".join(
        [row.name or "(not in the CRM)", ui.text(row.email, "no email"), row.customer_id]
    )
    for row in matches.itertuples()
}
customer_id = st.selectbox("Customer", list(labels), format_func=labels.get, key="customer")

profile = ui.load(data.customer_profile, customer_id)
if profile is None:
    st.stop()
customer = profile.iloc[0]
currency = ui.text(customer.reporting_currency, "")

name = " ".join(part for part in (customer.first_name, customer.last_name) if isinstance(part, str))
st.header(name or "Customer unknown to the CRM")
signup = customer.signup_at.date() if pd.notna(customer.signup_at) else "unknown"
st.markdown(
    f"`{customer.customer_id}` · {ui.text(customer.email, 'no email')} · "
    f"{ui.text(customer.phone, 'no phone')} · {ui.text(customer.city)}, "
    f"{ui.text(customer.country_name)} · tier **{ui.text(customer.tier)}** · "
    f"lifecycle **{customer.lifecycle_stage}** · signed up {signup}"
    + (" · **deleted in the CRM**" if ui.flag(customer.is_deleted) else "")
)

columns = st.columns(5)
columns[0].metric("Orders", ui.count(customer.orders_count))
columns[1].metric("Completed purchases", ui.count(customer.purchases_count))
columns[2].metric(f"Lifetime revenue ({currency})", ui.money(customer.lifetime_revenue_reporting))
columns[3].metric("Web sessions", ui.count(customer.sessions_count))
columns[4].metric("Support tickets", ui.count(customer.tickets_count))

columns = st.columns(4)
columns[0].metric(
    "RFM segment",
    ui.text(customer.rfm_segment, "no purchase"),
    help="gold.customer_rfm: recency, frequency and monetary scores 1-5 (5 best).",
)
if pd.notna(customer.recency_score):
    columns[0].caption(
        f"R {customer.recency_score} · F {customer.frequency_score} · M {customer.monetary_score}"
    )

with columns[1]:
    churn = ui.load(data.customer_churn, customer_id)
    if churn is not None and churn.empty:
        st.metric("Churn risk", "not scored")
        st.caption("Not in gold.churn_scores (scored: the customers of churn_features).")
    elif churn is not None:
        score = churn.iloc[0]
        st.metric("Churn risk", f"{score.churn_probability:.0%} ({score.risk_band})")
        st.caption(
            f"Model {score.model_name} version {score.model_version}, "
            f"features as of {score.as_of_date.date()}"
        )

clv = ui.load(data.customer_clv, customer_id)
if clv is not None and clv.empty:
    columns[2].metric(f"CLV ({currency})", "—")
    columns[2].caption(
        "Not in gold.customer_clv: no completed purchase, or no CLV fit has converged yet"
        " (gold.clv_model_fits)."
    )
elif clv is not None:
    value = clv.iloc[0]
    columns[2].metric(f"CLV ({currency})", ui.money(value.clv))
    columns[2].caption(f"Next {value.horizon_periods} {value.time_unit}s, discounted")
    columns[3].metric(
        "P(alive)",
        ui.share(value.probability_alive),
        help="BG/NBD: the probability that the customer still buys, from their repeat purchases."
        " Without a repeat purchase the model has no sign of them leaving, so it is 100 %"
        " however long ago they bought: read the churn risk beside it.",
    )
    caption = f"Expected purchases: {value.expected_purchases:.1f}"
    if customer.purchases_count == 1:
        caption += " · one purchase: P(alive) is 100 % by the model's construction"
    columns[3].caption(caption)

orders = ui.load(data.customer_orders, customer_id)
sessions = ui.load(data.customer_sessions, customer_id)
tickets = ui.load(data.customer_tickets, customer_id)


def tab_label(title: str, frame: pd.DataFrame | None) -> str:
    return title if frame is None else f"{title} ({len(frame):,})"


orders_tab, sessions_tab, tickets_tab = st.tabs(
    [
        tab_label("Orders", orders),
        tab_label("Web sessions", sessions),
        tab_label("Support tickets", tickets),
    ]
)
with orders_tab:
    if orders is not None and not orders.empty:
        st.altair_chart(
            alt.Chart(orders)
            .mark_bar()
            .encode(
                x=alt.X("order_date:T", title="order date"),
                y=alt.Y("order_total_reporting:Q", title=f"order total ({currency})"),
                color=alt.Color("order_status:N", title="status"),
                tooltip=["order_id", "order_date:T", "order_status", "order_total_reporting"],
            )
            .properties(height=220),
            width="stretch",
        )
    if orders is not None:
        st.dataframe(
            orders, hide_index=True, column_config={"order_date": st.column_config.DateColumn()}
        )
with sessions_tab:
    if sessions is not None:
        st.dataframe(sessions, hide_index=True)
with tickets_tab:
    if tickets is not None:
        st.dataframe(tickets, hide_index=True)
