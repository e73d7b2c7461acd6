-- unsafe_ops_by_kind and unsafe_ops_by_context of each population: the unsafe operations of
-- its units (fig_units: figures_unsafe_ops.sql's rows) summed by kind (`dimension` 'kind') and
-- by context ('context'). Spark SQL.
WITH members AS (
    SELECT 'all' AS population, unit FROM figures_crates
    UNION ALL
    SELECT 'primary' AS population, unit FROM figures_crates WHERE is_primary
)
SELECT m.population, 'kind' AS dimension, coalesce(o.kind, '') AS name, sum(o.ops) AS ops
FROM fig_unsafe_ops o JOIN members m ON m.unit = o.unit
GROUP BY m.population, coalesce(o.kind, '')
UNION ALL
SELECT m.population, 'context' AS dimension, coalesce(o.context_kind, '') AS name, sum(o.ops) AS ops
FROM fig_unsafe_ops o JOIN members m ON m.unit = o.unit
GROUP BY m.population, coalesce(o.context_kind, '')
ORDER BY population, dimension, name;
