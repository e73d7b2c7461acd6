-- The figures of each population (the scalar fields of painter_query::figures::Figures): every
-- unit ('all') and the primary units ('primary'), from figures_crates (figures_crates.sql).
-- A share is a count of crates and its percent, rounded as painter_query::figures::percent
-- (two decimals, half away from zero, 0 of 0 is 0). A population without crates is a row of
-- zeros. Spark SQL.
CREATE OR REPLACE TEMPORARY FUNCTION painter_percent(n BIGINT, total BIGINT) RETURNS DOUBLE
RETURN CASE WHEN total = 0 THEN 0D
            ELSE round(CAST(n AS DOUBLE) * 10000D / CAST(total AS DOUBLE)) / 100D END;
WITH members AS (
    SELECT 'all' AS population, * FROM figures_crates
    UNION ALL
    SELECT 'primary' AS population, * FROM figures_crates WHERE is_primary
),
counts AS (
    SELECT population,
           count(*) AS crates,
           count_if(uses_unsafe) AS uses_unsafe,
           count_if(user_unsafe_blocks > 0) AS user_unsafe_blocks,
           count_if(unsafe_ops > 0) AS has_unsafe_ops,
           count_if(size(calls_unsafe_crates) > 0) AS calls_unsafe_crate,
           count_if(reaches_ffi) AS reaches_ffi,
           count_if(reaches_ffi_with_candidates) AS reaches_ffi_with_candidates,
           sum(public_functions) AS public_functions,
           sum(public_functions_reaching_unsafe) AS public_functions_reaching_unsafe,
           sum(public_functions_reaching_unsafe_with_candidates)
               AS public_functions_reaching_unsafe_with_candidates
    FROM members
    GROUP BY population
),
populations AS (
    SELECT population FROM VALUES ('all'), ('primary') AS p(population)
),
filled AS (
    SELECT p.population,
           coalesce(c.crates, 0) AS crates,
           coalesce(c.uses_unsafe, 0) AS uses_unsafe,
           coalesce(c.user_unsafe_blocks, 0) AS user_unsafe_blocks,
           coalesce(c.has_unsafe_ops, 0) AS has_unsafe_ops,
           coalesce(c.calls_unsafe_crate, 0) AS calls_unsafe_crate,
           coalesce(c.reaches_ffi, 0) AS reaches_ffi,
           coalesce(c.reaches_ffi_with_candidates, 0) AS reaches_ffi_with_candidates,
           coalesce(c.public_functions, 0) AS public_functions,
           coalesce(c.public_functions_reaching_unsafe, 0) AS public_functions_reaching_unsafe,
           coalesce(c.public_functions_reaching_unsafe_with_candidates, 0)
               AS public_functions_reaching_unsafe_with_candidates
    FROM populations p LEFT JOIN counts c ON c.population = p.population
)
SELECT population, crates,
       uses_unsafe, painter_percent(uses_unsafe, crates) AS uses_unsafe_percent,
       user_unsafe_blocks, painter_percent(user_unsafe_blocks, crates) AS user_unsafe_blocks_percent,
       has_unsafe_ops, painter_percent(has_unsafe_ops, crates) AS has_unsafe_ops_percent,
       calls_unsafe_crate, painter_percent(calls_unsafe_crate, crates) AS calls_unsafe_crate_percent,
       reaches_ffi, painter_percent(reaches_ffi, crates) AS reaches_ffi_percent,
       reaches_ffi_with_candidates,
       painter_percent(reaches_ffi_with_candidates, crates) AS reaches_ffi_with_candidates_percent,
       public_functions, public_functions_reaching_unsafe,
       public_functions_reaching_unsafe_with_candidates
FROM filled
ORDER BY population;
