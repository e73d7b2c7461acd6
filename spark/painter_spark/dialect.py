"""The dialect layer between the repository's SQL files (written in DuckDB's dialect, which
painter-engine also runs) and Spark SQL. It is deliberately small; docs/spark.md lists every
rule and why it is needed:

1. Statements: a file may hold several; Spark runs one per `spark.sql` call, so text is split
   on `;` outside comments, string literals and quoted identifiers (as painter-engine does).
2. `UBIGINT` (unsigned 64-bit) becomes `DECIMAL(20,0)`: Spark has no unsigned type and reads
   Parquet's UINT_64 columns as DECIMAL(20,0), which holds every value exactly.
3. `CREATE OR REPLACE VIEW` becomes `CREATE OR REPLACE TEMPORARY VIEW`: the dataset's tables are
   session views, and a persistent view may not refer to a temporary one.
4. `to_hex(x)` becomes `conv(CAST(x AS STRING), 10, 16)`: Spark's `hex` takes a signed
   BIGINT, `conv` converts all 64 unsigned bits. (A SQL function would be neater, but Spark
   does not allow SQL functions in ORDER BY.)
5. A session setting, not text: double-quoted identifiers (`u."primary"`, `t."set"`) need
   `spark.sql.ansi.doubleQuotedIdentifiers` (with ANSI mode).

Everything else in the files (`split_part`, `lpad`, `NOT EXISTS`, window functions, CTAS,
`INSERT INTO … SELECT`, `DROP TABLE`) is Spark SQL as written.
"""

import re

# Rule 5: set on the session before any file runs.
SESSION_CONF = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.ansi.doubleQuotedIdentifiers": "true",
}


def statements(text):
    """The statements of `text` in order, trimmed; a piece holding only comments and blanks is
    not a statement (the rules of painter-engine's split.rs)."""
    out, start, i, has_code, n = [], 0, 0, False, len(text)
    while i < n:
        c = text[i]
        if c == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if c in "'\"":
            has_code = True
            i += 1
            while i < n:
                if text[i] == c:
                    if i + 1 < n and text[i + 1] == c:  # a doubled quote is the character
                        i += 2
                        continue
                    break
                i += 1
        elif c == ";":
            if has_code:
                out.append(text[start:i].strip())
            start, has_code = i + 1, False
        elif not c.isspace():
            has_code = True
        i += 1
    if has_code:
        out.append(text[start:].strip())
    return out


def _code_spans(statement):
    """(start, end, is_code) pieces of `statement`: comments and quoted text are not code, so
    the rewrites never touch a string literal or an identifier in quotes."""
    spans, start, i, n = [], 0, 0, len(statement)
    while i < n:
        c = statement[i]
        end = None
        if c == "-" and statement.startswith("--", i):
            e = statement.find("\n", i)
            end = n if e < 0 else e + 1
        elif c == "/" and statement.startswith("/*", i):
            e = statement.find("*/", i + 2)
            end = n if e < 0 else e + 2
        elif c in "'\"":
            j = i + 1
            while j < n:
                if statement[j] == c:
                    if j + 1 < n and statement[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            end = min(j + 1, n)
        if end is None:
            i += 1
            continue
        spans.append((start, i, True))
        spans.append((i, end, False))
        start = i = end
    spans.append((start, n, True))
    return spans


# Rules 2 and 3, on code only, whole words, any case.
_REWRITES = [
    (re.compile(r"(?<![A-Za-z0-9_])UBIGINT(?![A-Za-z0-9_])", re.IGNORECASE), "DECIMAL(20,0)"),
    (
        re.compile(r"\bCREATE\s+OR\s+REPLACE\s+VIEW\b", re.IGNORECASE),
        "CREATE OR REPLACE TEMPORARY VIEW",
    ),
]


_TO_HEX = re.compile(r"(?<![A-Za-z0-9_.])to_hex\s*\(", re.IGNORECASE)


def _rewrite_to_hex(statement, spans):
    """Rule 4: each `to_hex(<argument>)` in code, the argument found by balancing parentheses
    (quoted text inside it skipped)."""
    code = [False] * len(statement)
    for start, end, is_code in spans:
        for i in range(start, end):
            code[i] = is_code
    out, i = [], 0
    for match in _TO_HEX.finditer(statement):
        if match.start() < i or not code[match.start()]:
            continue
        depth, j = 1, match.end()
        while j < len(statement) and depth:
            if code[j]:
                depth += {"(": 1, ")": -1}.get(statement[j], 0)
            j += 1
        if depth:
            raise ValueError(f"unbalanced to_hex( in: {statement[match.start():][:80]}")
        argument = to_spark(statement[match.end() : j - 1])
        out.append(statement[i : match.start()])
        out.append(f"conv(CAST({argument} AS STRING), 10, 16)")
        i = j
    out.append(statement[i:])
    return "".join(out)


def to_spark(statement):
    """`statement` in Spark's dialect (rules 2, 3 and 4)."""
    pieces = []
    for start, end, is_code in _code_spans(statement):
        piece = statement[start:end]
        if is_code:
            for pattern, replacement in _REWRITES:
                piece = pattern.sub(replacement, piece)
        pieces.append(piece)
    statement = "".join(pieces)
    return _rewrite_to_hex(statement, _code_spans(statement))
