{#-
    Every row of `facts` (a CTE or relation with customer_id and the timestamp `at_column`)
    with `country_code`: the customer's country at that time, from int_customer_versions
    (passed as `customer_versions`), by a point-in-time (as-of) join.

    The rule, deterministic because a customer's versions do not overlap:
    - the version with valid_from <= at < valid_to (valid_to null = current) gives the country;
    - a fact earlier than the customer's first version takes the first version's country (the
      CRM writes a customer some time after signup: the first known country is the best
      estimate of the country before it);
    - a customer the CRM has never known, or a version whose country is not a recognised
      country (country_code null), gives 'unknown'.
    Each fact matches at most one version, so the row count of `facts` is kept.

    The open ends of the intervals are closed with far-away timestamps rather than `or ... is
    null` conditions, so that the join stays an equi-join on customer_id with range
    conditions (an OR in the join condition turns it into a nested-loop join on DuckDB).
-#}
{% macro customer_country_as_of(facts, customer_versions, at_column='ordered_at') %}
    select
        {{ facts }}.*,
        coalesce(versions_in_force.country_code, 'unknown') as country_code
    from {{ facts }}
    left join (
        select
            customer_id,
            country_code,
            -- the first version also covers the time before the CRM knew the customer
            case
                when valid_from = min(valid_from) over (partition by customer_id)
                    then cast('1900-01-01 00:00:00' as timestamp)
                else valid_from
            end as in_force_from,
            coalesce(valid_to, cast('9999-12-31 00:00:00' as timestamp)) as in_force_to
        from {{ customer_versions }}
    ) as versions_in_force
        on
            {{ facts }}.customer_id = versions_in_force.customer_id
            and {{ facts }}.{{ at_column }} >= versions_in_force.in_force_from
            and {{ facts }}.{{ at_column }} < versions_in_force.in_force_to
{% endmacro %}
