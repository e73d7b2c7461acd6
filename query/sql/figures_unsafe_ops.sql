-- unsafe_ops_by_kind and unsafe_ops_by_context: the unsafe operations of each unit by kind and
-- context; the caller sums the units of the population.
SELECT unit, kind, context_kind, count(*) AS ops
FROM unsafe_ops
GROUP BY unit, kind, context_kind
ORDER BY unit, kind, context_kind;
