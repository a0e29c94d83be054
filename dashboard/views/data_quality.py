"""Data quality: where every landing record went, what was quarantined and why, how fresh
each source is, and the delivery volume and freshness anomalies."""

from datetime import UTC, datetime

import altair as alt
import streamlit as st

from dashboard import data, ui

# what became of the bronze records, in the order the bars stack them
OUTCOMES = ["loaded", "superseded", "duplicate", "quarantined"]
OUTCOME_COLORS = ["#1565c0", "#90caf9", "#b0bec5", "#c62828"]

st.title("Data quality")
st.caption(
    "From silver.dq_record_accounting, silver.dq_quarantine, silver.dq_record_counts, "
    "dbt's source freshness results (target/sources.json), silver.dq_delivery_volumes and "
    "silver.dq_delivery_anomalies."
)

st.subheader("Record accounting")
accounting = ui.load(data.record_accounting)
if accounting is not None:
    totals = accounting.sum(numeric_only=True)
    columns = st.columns(4)
    columns[0].metric("Bronze records", ui.count(totals.bronze_records))
    columns[1].metric("Loaded into staging", ui.count(totals.loaded_records))
    columns[2].metric(
        "Quarantined",
        ui.count(totals.quarantined_records),
        help=ui.share(totals.quarantined_records / totals.bronze_records) + " of the records",
    )
    columns[3].metric(
        "Duplicates and older versions",
        ui.count(totals.duplicate_records + totals.superseded_records),
    )
    broken = accounting[
        (accounting.unaccounted_records != 0) | (accounting.double_counted_records != 0)
    ]
    if broken.empty:
        st.success(
            "Every bronze record is accounted for: loaded, quarantined, a duplicate or a "
            "superseded version of its key."
        )
    else:
        st.error(
            "Records unaccounted for or counted twice in: "
            + ", ".join(broken.source_table)
            + ". The dbt test assert_every_bronze_record_is_accounted_for says more."
        )
    outcomes = accounting.melt(
        id_vars="source_table",
        value_vars=[f"{outcome}_records" for outcome in OUTCOMES],
        var_name="outcome",
        value_name="records",
    )
    outcomes["outcome"] = outcomes.outcome.str.removesuffix("_records")
    outcomes["stack_order"] = outcomes.outcome.map(OUTCOMES.index)
    st.altair_chart(
        alt.Chart(outcomes)
        .mark_bar()
        .encode(
            x=alt.X("records:Q", stack="normalize", title="share of the bronze records"),
            y=alt.Y("source_table:N", title=None, axis=alt.Axis(labelLimit=200)),
            color=alt.Color("outcome:N", scale=alt.Scale(domain=OUTCOMES, range=OUTCOME_COLORS)),
            order=alt.Order("stack_order:Q"),
            tooltip=["source_table", "outcome", "records"],
        )
        .properties(title="What became of each landing table's records"),
        width="stretch",
    )
    st.dataframe(accounting, hide_index=True)

st.subheader("Quarantine by rule and source")
quarantine = ui.load(data.quarantine_by_rule)
if quarantine is not None and quarantine.empty:
    st.success("No record was quarantined.")
elif quarantine is not None:
    st.altair_chart(
        alt.Chart(quarantine)
        .mark_bar()
        .encode(
            x=alt.X("records:Q", title="quarantined records"),
            y=alt.Y("rule_name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=250)),
            color=alt.Color("source_table:N", title="landing table"),
            tooltip=["source_table", "rule_name", "records", "reason"],
        ),
        width="stretch",
    )
    st.dataframe(quarantine, hide_index=True)

st.subheader("Freshness")
st.markdown("**Ingestion**: the newest bronze record of each landing table")
ingested = ui.load(data.ingestion_freshness)
if ingested is not None:
    now = datetime.now(UTC).replace(tzinfo=None)  # _max_ingested_at is UTC
    ingested["hours_ago"] = (now - ingested.max_ingested_at).dt.total_seconds() / 3600
    st.dataframe(
        ingested,
        hide_index=True,
        column_config={"hours_ago": st.column_config.NumberColumn(format="%.1f")},
    )
st.markdown("**Sources**: the last `dbt source freshness`, on each source's own timestamps")
sources = ui.load(data.source_freshness)
if sources is not None:
    failing = sources[sources.status != "pass"]
    if failing.empty:
        st.success(f"All {len(sources)} sources pass their freshness thresholds.")
    else:
        st.warning(
            "Not fresh: "
            + ", ".join(f"{row.source} ({row.status})" for row in failing.itertuples())
        )
    st.dataframe(
        sources.drop(columns="checked_at"),
        hide_index=True,
        column_config={"age_hours": st.column_config.NumberColumn(format="%.1f")},
    )
    st.caption(f"Checked at {sources.checked_at.iloc[0]} (UTC).")

st.subheader("Delivery anomalies")
anomalies = ui.load(data.delivery_anomalies)
volumes = ui.load(data.delivery_volumes) if anomalies is not None else None
if anomalies is not None and anomalies.empty:
    st.success("No delivery volume or freshness anomaly.")
elif anomalies is not None:
    found = "1 delivery anomaly" if len(anomalies) == 1 else f"{len(anomalies)} delivery anomalies"
    st.error(f"{found}: a volume far from the usual, or late.")
    st.dataframe(
        anomalies,
        hide_index=True,
        column_config={"delivery_date": st.column_config.DateColumn()},
    )
if volumes is not None:
    tables = sorted(volumes.source_table.unique())
    # the landing table of the latest anomaly first
    latest = anomalies.source_table.iloc[0] if anomalies is not None and len(anomalies) else None
    source_table = st.selectbox(
        "Landing table",
        tables,
        index=tables.index(latest) if latest in tables else 0,
        key="volume_source",
    )
    daily = volumes[volumes.source_table == source_table]
    base = alt.Chart(daily).encode(x=alt.X("delivery_date:T", title="delivery date"))
    st.altair_chart(
        base.mark_line().encode(
            y=alt.Y("records:Q", title="records delivered"),
            tooltip=["delivery_date:T", "records", "training_mean", "z_score"],
        )
        + base.mark_line(strokeDash=[4, 4], color="gray").encode(y="training_mean:Q")
        + base.transform_filter(alt.datum.is_volume_anomaly)
        .mark_point(color="red", size=80, filled=True)
        .encode(y="records:Q", tooltip=["delivery_date:T", "records", "z_score"]),
        width="stretch",
    )
    st.caption(
        "Records per delivery day; dashed: the mean over the training window; red: flagged "
        "as a volume anomaly."
    )
