-- most_called_unsafe_fns of each population: the unsafe fns its units' own code calls
-- (fig_called_unsafe_fns: figures_called_unsafe_fns.sql's rows), per callee id (the path when a
-- callee has no id), from the most crates, then the most call sites, then by path; printed by
-- the shortest of its paths (bytes, then text). At most :top per population, ranked from 1.
-- Spark SQL, as engine/src/figures.rs groups them.
WITH members AS (
    SELECT 'all' AS population, unit FROM figures_crates
    UNION ALL
    SELECT 'primary' AS population, unit FROM figures_crates WHERE is_primary
),
called AS (
    SELECT m.population, o.unit, o.call_sites,
           coalesce(o.callee_path, '') AS path,
           CASE WHEN o.callee_crate_id IS NOT NULL AND o.callee_hash IS NOT NULL
                THEN lpad(lower(to_hex(o.callee_crate_id)), 16, '0') || ':'
                     || lpad(lower(to_hex(o.callee_hash)), 16, '0')
                WHEN o.callee_id_text IS NOT NULL THEN o.callee_id_text
                ELSE coalesce(o.callee_path, '') END AS callee
    FROM fig_called_unsafe_fns o JOIN members m ON m.unit = o.unit
),
by_callee AS (
    SELECT population, callee,
           min_by(path, struct(octet_length(path), path)) AS path,
           count(DISTINCT unit) AS crates,
           sum(call_sites) AS call_sites
    FROM called
    GROUP BY population, callee
),
ranked AS (
    SELECT population, path, crates, call_sites,
           row_number() OVER (PARTITION BY population
                              ORDER BY crates DESC, call_sites DESC, path) AS rank
    FROM by_callee
)
SELECT population, rank, path, crates, call_sites
FROM ranked
WHERE rank <= :top
ORDER BY population, rank;
