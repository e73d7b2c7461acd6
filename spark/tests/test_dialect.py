"""The dialect layer's rules (painter_spark/dialect.py) on the cases that matter: statements
split as painter-engine splits them, rewrites only in code, whole words, nested arguments.
Needs no Spark: `python3 -m unittest discover -s spark/tests` (tests/spark.rs runs it)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from painter_spark.dialect import statements, to_spark  # noqa: E402

SQL = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "query", "sql")


class Statements(unittest.TestCase):
    def test_semicolons_in_comments_strings_and_identifiers_do_not_split(self):
        text = (
            "-- first; still a comment\n"
            "SELECT 'a;b', \"odd;name\" FROM t; /* c; d */\n"
            "SELECT 'it''s; fine' ;;\n"
            "-- trailing comment only; nothing after\n"
        )
        got = statements(text)
        self.assertEqual(len(got), 2, got)
        self.assertTrue(got[0].startswith("-- first; still a comment\nSELECT 'a;b'"))
        self.assertTrue(got[0].endswith("FROM t"))
        self.assertTrue(got[1].startswith("/* c; d */"))
        self.assertTrue(got[1].endswith("SELECT 'it''s; fine'"))

    def test_last_statement_without_semicolon_and_unclosed_comment(self):
        self.assertEqual(statements("SELECT 1;\nSELECT 2"), ["SELECT 1", "SELECT 2"])
        self.assertEqual(statements("SELECT 1; /* open"), ["SELECT 1"])
        self.assertEqual(statements(" -- nothing\n ; "), [])


class Rewrites(unittest.TestCase):
    def test_ubigint_is_a_decimal_as_a_whole_word_in_code_only(self):
        got = to_spark("SELECT CAST(0 AS UBIGINT), x_UBIGINT, UBIGINT2, 'UBIGINT' -- UBIGINT\nFROM t")
        self.assertEqual(
            got, "SELECT CAST(0 AS DECIMAL(20,0)), x_UBIGINT, UBIGINT2, 'UBIGINT' -- UBIGINT\nFROM t"
        )

    def test_views_are_temporary(self):
        self.assertEqual(
            to_spark("CREATE OR REPLACE\n  VIEW v AS SELECT 1"),
            "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1",
        )
        self.assertEqual(to_spark("SELECT 'CREATE OR REPLACE VIEW'"), "SELECT 'CREATE OR REPLACE VIEW'")

    def test_to_hex_takes_its_whole_argument(self):
        got = to_spark("SELECT lpad(lower(to_hex(coalesce(a, CAST(0 AS UBIGINT)))), 16, '0'), 'to_hex(x)', my_to_hex(y)")
        self.assertEqual(
            got,
            "SELECT lpad(lower(conv(CAST(coalesce(a, CAST(0 AS DECIMAL(20,0))) AS STRING), 10, 16)), "
            "16, '0'), 'to_hex(x)', my_to_hex(y)",
        )
        self.assertEqual(
            to_spark("SELECT to_hex(to_hex(x))"),
            "SELECT conv(CAST(conv(CAST(x AS STRING), 10, 16) AS STRING), 10, 16)",
        )
        with self.assertRaises(ValueError):
            to_spark("SELECT to_hex(x")

    def test_every_file_of_query_sql_is_left_without_duckdb_words(self):
        seen = 0
        for name in sorted(os.listdir(SQL)):
            if not name.endswith(".sql"):
                continue
            with open(os.path.join(SQL, name), encoding="utf-8") as f:
                for statement in statements(f.read()):
                    spark = to_spark(statement)
                    code = "\n".join(l.split("--")[0] for l in spark.splitlines())
                    for word in ("UBIGINT", "to_hex(", "CREATE OR REPLACE VIEW"):
                        self.assertNotIn(word, code, f"{name}: {spark}")
                    seen += 1
        self.assertGreater(seen, 25)


if __name__ == "__main__":
    unittest.main()
