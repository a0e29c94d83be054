"""Churn model: the champion's version and metrics from the MLflow registry, and the scores it
gave: their distribution, the risk bands, churn risk per RFM segment."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, ui

RISK_BANDS = ["low", "medium", "high"]
RISK_COLORS = alt.Scale(domain=RISK_BANDS, range=["#2e7d32", "#f9a825", "#c62828"])
HEADLINE_METRICS = {
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "brier": "Brier score",
    "lift_top_decile": "Lift, top decile",
}

st.title("Churn model")
st.caption(
    "From the MLflow model registry (python_jobs/churn/config.py), gold.churn_scores and "
    "gold.customer_rfm."
)

st.subheader("Champion")
champion = ui.load(data.champion)
if champion is not None:
    st.markdown(
        f"**{champion.model_name}** @champion is version **{champion.version}** "
        f"(MLflow run `{champion.run_id}`)."
    )
    shown = [key for key in HEADLINE_METRICS if key in champion.metrics]
    for column, key in zip(st.columns(max(len(shown), 1)), shown, strict=False):
        column.metric(HEADLINE_METRICS[key], f"{champion.metrics[key]:.3f}")
    st.caption("Measured on the evaluation as-of date, which the model was not trained on.")
    with st.expander("Every metric of the training run, and the promotion decision"):
        st.dataframe(
            pd.DataFrame(sorted(champion.metrics.items()), columns=["metric", "value"]),
            hide_index=True,
        )
        tags = sorted((k, v) for k, v in champion.tags.items() if k.startswith("promotion."))
        st.dataframe(pd.DataFrame(tags, columns=["tag", "value"]), hide_index=True)
        if champion.description:
            st.write(champion.description)

st.subheader("Scores")
scores = ui.load(data.churn_scores)
if scores is not None:
    versions = sorted(scores.model_version.astype(str).unique())
    st.caption(
        f"{len(scores):,} customers, features as of {scores.as_of_date.max().date()}, scored "
        f"{scores.scored_at.max():%Y-%m-%d %H:%M} UTC by {scores.model_name.iloc[0]} "
        f"version {', '.join(versions)}. Risk bands: low below 0.3, medium below 0.6, "
        "high from 0.6."
    )
    if champion is not None and versions != [champion.version]:
        st.warning(
            f"These scores come from version {', '.join(versions)}, the champion is version "
            f"{champion.version}: `make build` scores with the champion."
        )
    bands = scores.risk_band.value_counts().reindex(RISK_BANDS, fill_value=0)
    columns = st.columns(4)
    columns[0].metric("Mean churn probability", ui.share(scores.churn_probability.mean()))
    for column, band in zip(columns[1:], reversed(RISK_BANDS), strict=True):
        column.metric(f"{band.capitalize()} risk", ui.count(bands[band]))
        column.caption(ui.share(bands[band] / len(scores)) + " of the customers scored")

    left, right = st.columns([2, 1])
    left.altair_chart(
        alt.Chart(scores)
        .mark_bar()
        .encode(
            x=alt.X(
                "churn_probability:Q",
                bin=alt.Bin(step=0.05, extent=[0, 1]),
                title="churn probability",
            ),
            y=alt.Y("count():Q", title="customers"),
            color=alt.Color("risk_band:N", scale=RISK_COLORS, title="risk band"),
        )
        .properties(title="Distribution of the scores"),
        width="stretch",
    )
    right.altair_chart(
        alt.Chart(bands.rename_axis("risk_band").reset_index(name="customers"))
        .mark_bar()
        .encode(
            x=alt.X("risk_band:N", sort=RISK_BANDS, title=None),
            y=alt.Y("customers:Q"),
            color=alt.Color("risk_band:N", scale=RISK_COLORS, legend=None),
            tooltip=["risk_band", "customers"],
        )
        .properties(title="Customers per risk band"),
        width="stretch",
    )

    by_segment = (
        scores.assign(rfm_segment=scores.rfm_segment.fillna("(no purchase)"))
        .groupby("rfm_segment", as_index=False)
        .agg(customers=("customer_id", "count"), churn_probability=("churn_probability", "mean"))
    )
    st.altair_chart(
        alt.Chart(by_segment)
        .mark_bar()
        .encode(
            x=alt.X(
                "churn_probability:Q",
                title="mean churn probability",
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("rfm_segment:N", title=None, sort="-x"),
            tooltip=["rfm_segment", "customers", "churn_probability"],
        )
        .properties(title="Churn risk per RFM segment"),
        width="stretch",
    )
