-- Reachability target "one function": the node of the one-row table `target_function`
-- (crate_id, hash, id_text: the id's integers, or 0, 0 and its text when not canonical). The
-- engine registers that table from the id it is given; with DuckDB, create it by hand.
CREATE OR REPLACE VIEW reach_targets AS
SELECT crate_id, hash, id_text FROM target_function;
