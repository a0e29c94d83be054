{#-
    The SQL expression hashing the id a request was given for the audit table: SHA-256 of a
    secret salt (environment variable C360_PRIVACY_HASH_SALT) and the id. CRM and account
    ids are short (a letter + 7 digits): an unsalted hash could be reversed by hashing every possible id, so the salt
    is required and must stay out of the warehouse. With the salt, the hash of a given id
    can be recomputed to answer "was this customer's request carried out?".
-#}
{% macro privacy_subject_hash(operation, customer_id) %}
    {% set salt = env_var('C360_PRIVACY_HASH_SALT', '') %}
    {% if salt | trim == '' %}
        {{ exceptions.raise_compiler_error(
            operation ~ " needs the environment variable C360_PRIVACY_HASH_SALT, a secret that"
            ~ " salts the customer id hash written to the audit table (docs/privacy.md)."
            ~ " Nothing was changed.") }}
    {% endif %}
    {{ return(privacy_hash(sql_literal(salt ~ ':' ~ customer_id))) }}
{% endmacro %}
