CREATE TABLE seen AS SELECT id FROM functions WHERE unsafe_ops > 0
