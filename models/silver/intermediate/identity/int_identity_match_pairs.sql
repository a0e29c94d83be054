-- The probabilistic links: the candidate pairs Splink scored (int_identity_match_scores: from
-- the lower of the two vars below) whose contacts the deterministic rules left apart (two
-- rule components), with is_accepted. A pair is accepted at the var identity_match_threshold
-- unless something contradicts one person: names more than a typo apart, two different
-- phones, or an ambiguous contact, alike (at the var identity_ambiguity_probability) to
-- contacts of more than one other rule component: two namesakes in one city, say, and which
-- one would it be? Measured on the truth file (docs/identity_resolution.md), these vetoes
-- are what keep namesakes and families apart.
{%- set threshold = var('identity_match_threshold') | float %}
{%- set ambiguity = var('identity_ambiguity_probability') | float %}
{%- for name, value in [('identity_match_threshold', threshold),
    ('identity_ambiguity_probability', ambiguity)] %}
    {%- if not (0 < value <= 1) %}
        {{ exceptions.raise_compiler_error(
            'The var ' ~ name ~ ' must be a probability in (0, 1]; got '
            ~ var(name) ~ '.') }}
    {%- endif %}
{%- endfor %}

with scores as (
    select * from {{ ref('int_identity_match_scores') }}
),

rule_components as (
    select * from {{ ref('int_identity_rule_components') }}
),

cross_component_pairs as (
    select
        scores.*,
        components_l.rule_component_key as rule_component_key_l,
        components_r.rule_component_key as rule_component_key_r
    from scores
    inner join rule_components as components_l
        on scores.node_key_l = components_l.node_key
    inner join rule_components as components_r
        on scores.node_key_r = components_r.node_key
    where components_l.rule_component_key != components_r.rule_component_key
),

-- each contact with the other rule components it is alike to
alike_components as (
    select
        node_key_l as node_key,
        rule_component_key_r as other_component
    from cross_component_pairs
    where match_probability >= {{ ambiguity }}
    union all
    select
        node_key_r as node_key,
        rule_component_key_l as other_component
    from cross_component_pairs
    where match_probability >= {{ ambiguity }}
),

ambiguous_contacts as (
    select node_key
    from alike_components
    group by node_key
    having count(distinct other_component) > 1
),

final as (
    select
        pairs.node_key_l,
        pairs.node_key_r,
        pairs.match_weight,
        pairs.match_probability,
        pairs.match_probability >= {{ threshold }}
        and pairs.names_alike
        and not pairs.phones_differ
        and ambiguous_l.node_key is null
        and ambiguous_r.node_key is null as is_accepted
    from cross_component_pairs as pairs
    left join ambiguous_contacts as ambiguous_l
        on pairs.node_key_l = ambiguous_l.node_key
    left join ambiguous_contacts as ambiguous_r
        on pairs.node_key_r = ambiguous_r.node_key
)

select * from final
