-- The per-crate figures (painter_query::figures::CrateFigures), one row per unit in key order,
-- assembled from the results of the shared per-unit queries of query/sql/: fig_units
-- (figures_per_crate.sql), fig_calls_into (figures_calls_into.sql) and, after each reach loop,
-- fig_reach_<target>_<edges> (figures_reach_per_crate.sql). Spark SQL; painter-engine does the
-- same assembly in engine/src/figures.rs.
WITH calls_into AS (
    -- calls_unsafe_crates: the other units called exactly that use unsafe (any unit, in the
    -- population or not: a dependency is a call target too), sorted.
    SELECT c.unit, array_sort(collect_set(c.target)) AS targets
    FROM fig_calls_into c JOIN fig_units t ON t.unit = c.target AND t.uses_unsafe
    GROUP BY c.unit
)
SELECT u.unit,
       u.is_primary,
       u.uses_unsafe,
       u.user_unsafe_blocks,
       u.unsafe_ops,
       coalesce(ci.targets, CAST(array() AS ARRAY<STRING>)) AS calls_unsafe_crates,
       coalesce(fe.reaches_by_call > 0, false) AS reaches_ffi,
       coalesce(fa.reaches_by_call > 0, false) AS reaches_ffi_with_candidates,
       u.ffi_imports,
       u.public_functions,
       coalesce(ue.public_reaching, 0) AS public_functions_reaching_unsafe,
       coalesce(ua.public_reaching, 0) AS public_functions_reaching_unsafe_with_candidates
FROM fig_units u
LEFT JOIN calls_into ci ON ci.unit = u.unit
LEFT JOIN fig_reach_ffi_exact fe ON fe.unit = u.unit
LEFT JOIN fig_reach_ffi_with_candidates fa ON fa.unit = u.unit
LEFT JOIN fig_reach_unsafe_exact ue ON ue.unit = u.unit
LEFT JOIN fig_reach_unsafe_with_candidates ua ON ua.unit = u.unit
ORDER BY u.unit;
