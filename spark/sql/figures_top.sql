-- top_by_unsafe_ops and top_by_ffi_imports of each population (`ranking` 'unsafe_ops',
-- 'ffi_imports'): the :top units with the largest non-zero count, ties by key, ranked from 1.
-- Spark SQL; :top is painter_query::figures::TOP, passed by the job.
WITH members AS (
    SELECT 'all' AS population, * FROM figures_crates
    UNION ALL
    SELECT 'primary' AS population, * FROM figures_crates WHERE is_primary
),
counts AS (
    SELECT population, 'unsafe_ops' AS ranking, unit AS key, unsafe_ops AS count
    FROM members WHERE unsafe_ops > 0
    UNION ALL
    SELECT population, 'ffi_imports' AS ranking, unit AS key, ffi_imports AS count
    FROM members WHERE ffi_imports > 0
),
ranked AS (
    SELECT population, ranking, key, count,
           row_number() OVER (PARTITION BY population, ranking ORDER BY count DESC, key) AS rank
    FROM counts
)
SELECT population, ranking, rank, key, count
FROM ranked
WHERE rank <= :top
ORDER BY population, ranking, rank;
