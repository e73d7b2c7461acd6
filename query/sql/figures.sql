-- The figures of docs/figures.md over every crate of a dataset, as plain SQL (DuckDB dialect,
-- standard SQL apart from `read_parquet` in the views the caller creates). Expects the views
-- `units`, `crate_ids`, `functions`, `calls`, `unsafe_ops`, `unsafe_blocks` and `declarations`
-- over the dataset's tables, e.g. `CREATE VIEW calls AS SELECT * FROM read_parquet('DIR/calls/*.parquet')`.
-- `tests/exports.rs` runs this file with Python's duckdb on the demo's dataset and requires the
-- numbers of `cargo painter stats --format json`; painter_query::figures is the reference.
--
-- A function is a node keyed by its id: the two integers, or the text form when an id is not
-- two hex numbers. Exact edges are the calls with a callee id (a dyn or generic call leads to
-- the trait method it names); candidates are not used here.
WITH RECURSIVE
fn_nodes AS (
    SELECT unit, kind, public,
           coalesce(id_text, CAST(crate_id AS VARCHAR) || ':' || CAST(hash AS VARCHAR)) AS node
    FROM functions
),
edges AS (
    SELECT DISTINCT
           coalesce(caller_id_text, CAST(caller_crate_id AS VARCHAR) || ':' || CAST(caller_hash AS VARCHAR)) AS caller,
           coalesce(callee_id_text, CAST(callee_crate_id AS VARCHAR) || ':' || CAST(callee_hash AS VARCHAR)) AS callee
    FROM calls
    WHERE callee_crate_id IS NOT NULL OR callee_id_text IS NOT NULL
),
-- The FFI boundary: foreign items, and whatever an `ffi` call calls.
boundary AS (
    SELECT node FROM fn_nodes WHERE kind IN ('foreign_fn', 'foreign_static')
    UNION
    SELECT coalesce(callee_id_text, CAST(callee_crate_id AS VARCHAR) || ':' || CAST(callee_hash AS VARCHAR))
    FROM calls WHERE kind = 'ffi' AND (callee_crate_id IS NOT NULL OR callee_id_text IS NOT NULL)
),
-- Where calls land: the unit named by the crate part of the callee id (the link's `crate_ids`).
call_targets AS (
    SELECT c.unit, c.kind, t.unit AS target_crate
    FROM calls c JOIN crate_ids t ON c.callee_crate_id = t.crate_id
    UNION ALL
    SELECT c.unit, c.kind, t.unit AS target_crate
    FROM calls c JOIN crate_ids t ON split_part(c.callee_id_text, ':', 1) = t.stable_id
),
-- Functions that reach the boundary through at least one call.
reaches_ffi(node) AS (
    SELECT e.caller FROM edges e JOIN boundary f ON e.callee = f.node
    UNION
    SELECT e.caller FROM edges e JOIN reaches_ffi r ON e.callee = r.node
),
-- Bodies with an unsafe operation, and every function that calls one, transitively.
has_ops AS (
    SELECT DISTINCT
           coalesce(function_id_text, CAST(function_crate_id AS VARCHAR) || ':' || CAST(function_hash AS VARCHAR)) AS node
    FROM unsafe_ops
),
reaches_unsafe(node) AS (
    SELECT node FROM has_ops
    UNION
    SELECT e.caller FROM edges e JOIN reaches_unsafe r ON e.callee = r.node
),
-- What a crate's own code is: not expanded from another crate's macro or derive.
own_blocks AS (
    SELECT b.unit, count(*) AS n
    FROM unsafe_blocks b JOIN units u ON u.key = b.unit
    WHERE NOT b.generated AND (b.macro_name IS NULL OR b.macro_krate = u.name)
    GROUP BY b.unit
),
own_declarations AS (
    SELECT DISTINCT d.unit
    FROM declarations d JOIN units u ON u.key = d.unit
    WHERE d.kind IN ('unsafe_fn', 'unsafe_trait', 'unsafe_impl', 'extern_block')
      AND (d.macro_name IS NULL OR d.macro_krate = u.name)
),
uses_unsafe AS (
    SELECT unit FROM own_blocks UNION SELECT unit FROM own_declarations
),
per_crate AS (
    SELECT u.key AS unit,
           u.key IN (SELECT unit FROM uses_unsafe) AS uses_unsafe,
           coalesce((SELECT n FROM own_blocks o WHERE o.unit = u.key), 0) AS user_unsafe_blocks,
           (SELECT count(*) FROM unsafe_ops o WHERE o.unit = u.key) AS unsafe_ops,
           EXISTS (SELECT 1 FROM call_targets c
                   WHERE c.unit = u.key AND c.kind NOT IN ('dyn', 'fn_ptr', 'trait_generic')
                     AND c.target_crate <> u.key
                     AND c.target_crate IN (SELECT unit FROM uses_unsafe)) AS calls_unsafe_crate,
           EXISTS (SELECT 1 FROM fn_nodes f JOIN reaches_ffi r ON r.node = f.node
                   WHERE f.unit = u.key AND f.node NOT IN (SELECT node FROM boundary)) AS reaches_ffi,
           (SELECT count(*) FROM fn_nodes f
            WHERE f.unit = u.key AND f.public
              AND f.kind IN ('fn', 'method', 'impl_method', 'trait_method')) AS public_functions,
           (SELECT count(*) FROM fn_nodes f JOIN reaches_unsafe r ON r.node = f.node
            WHERE f.unit = u.key AND f.public
              AND f.kind IN ('fn', 'method', 'impl_method', 'trait_method')) AS public_functions_reaching_unsafe
    FROM units u
)
SELECT count(*) AS crates,
       count(*) FILTER (WHERE uses_unsafe) AS uses_unsafe,
       count(*) FILTER (WHERE user_unsafe_blocks > 0) AS user_unsafe_blocks,
       count(*) FILTER (WHERE unsafe_ops > 0) AS has_unsafe_ops,
       count(*) FILTER (WHERE calls_unsafe_crate) AS calls_unsafe_crate,
       count(*) FILTER (WHERE reaches_ffi) AS reaches_ffi,
       sum(public_functions) AS public_functions,
       sum(public_functions_reaching_unsafe) AS public_functions_reaching_unsafe
FROM per_crate;
