"""What SQL one intent costs, read from PostgreSQL's statement log (log_statement = all) of a short run where
intents are created one after the other, and the pgbench script that replays exactly that SQL."""

import json
import re

ENTRY = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+) \[(\d+)\] (\S*?)@?(\S*) ?(LOG|DETAIL|ERROR|STATEMENT"
                   r"|WARNING|HINT|CONTEXT|FATAL):  (.*)$")
STATEMENT = re.compile(r"^(?:statement|execute [^:]*): (.*)$", re.S)
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')", re.S)

# Statements that are not part of any one intent: the sentinel's scans and the health indicator.
BACKGROUND = [
    re.compile(r"order by next_check_at", re.I),
    re.compile(r"unresolved_reason is not null", re.I),
    re.compile(r"^\s*select 1\s*$", re.I),
    # The suite's own sampling of active backends (every 0.25 s while a scenario runs), and the router's poll of the
    # operators' provider controls (every 2 s): neither is the intent's.
    re.compile(r"from pg_stat_activity", re.I),
    re.compile(r"from provider_controls", re.I),
]


def parse(log_text):
    """[(pid, sql, params)] of every executed statement, in log order."""
    entries = []
    for line in log_text.splitlines():
        match = ENTRY.match(line)
        if match:
            entries.append([match.group(2), match.group(5), match.group(6)])
        elif entries:
            entries[-1][2] += "\n" + line
    statements = []
    for pid, level, message in entries:
        if level == "LOG":
            match = STATEMENT.match(message)
            if match:
                statements.append([pid, match.group(1).strip(), {}])
        elif level == "DETAIL" and message.startswith("parameters:") and statements:
            # The parameters belong to the last statement of the same backend.
            for statement in reversed(statements):
                if statement[0] == pid:
                    statement[2] = {int(n): (None if v == "NULL" else v[1:-1].replace("''", "'"))
                                    for n, v in PARAM.findall(message)}
                    break
    return [(pid, sql, params) for pid, sql, params in statements]


def _mentions(statement, needle):
    _, sql, params = statement
    return needle in sql or any(v is not None and needle in v for v in params.values())


def _background(sql):
    return any(pattern.search(sql) for pattern in BACKGROUND)


def one_intent(statements, intent_id):
    """The statements one intent cost: from the API-key lookup that preceded its first statement to the end of its
    last transaction, without background work of other components."""
    indexes = [i for i, s in enumerate(statements) if _mentions(s, intent_id)]
    if not indexes:
        raise ValueError(f"intent {intent_id} is not in the statement log")
    first, last = indexes[0], indexes[-1]
    # Extend to the transactions they belong to: back to the BEGIN, forward to the COMMIT of the same backend.
    pid_first = statements[first][0]
    for i in range(first - 1, -1, -1):
        if statements[i][0] == pid_first and statements[i][1].upper().startswith(("BEGIN", "START TRANSACTION")):
            first = i
            break
        if statements[i][0] == pid_first and statements[i][1].upper() in ("COMMIT", "ROLLBACK"):
            break
    pid_last = statements[last][0]
    for i in range(last + 1, len(statements)):
        if statements[i][0] == pid_last and statements[i][1].upper() in ("COMMIT", "ROLLBACK", "END"):
            last = i
            break
    # The API-key lookup, if this request made one (a router may cache keys), comes before anything else: look back
    # to the previous intent's statements, no further.
    for i in range(first - 1, -1, -1):
        if "api_keys" in statements[i][1]:
            first = i
            break
        if _mentions(statements[i], "pi_"):
            break
    return _without_bucket_syncs([s for s in statements[first:last + 1] if not _background(s[1])])


def _without_bucket_syncs(statements):
    """Without the transactions that only synchronise a shared rate-limit bucket (cluster_buckets). The router makes
    them per time and permits, not per intent: Bucket4j's predicting optimisation syncs a node's view of a provider's
    bucket at most once per 10 permits or 100 ms, i.e. about 0.1 per intent under load. A capture of one intent after
    a pause always contains one, and a replay that locked the shared row once per intent would measure a database the
    router never asks for."""
    kept, open_tx = [], {}
    for statement in statements:
        pid, sql, _ = statement
        head = sql.split(None, 1)[0].upper() if sql.split() else ""
        if head in ("BEGIN", "START"):
            open_tx[pid] = [statement]
            continue
        if pid in open_tx:
            open_tx[pid].append(statement)
            if head in ("COMMIT", "END", "ROLLBACK"):
                tx = open_tx.pop(pid)
                body = tx[1:-1]
                if not (body and all("cluster_buckets" in b[1] for b in body)):
                    kept.extend(tx)
            continue
        kept.append(statement)
    for tx in open_tx.values():
        kept.extend(tx)
    return kept


def summarize(statements):
    """Statements, transactions and durable (writing) commits of one intent's SQL."""
    transactions = 0
    writing_commits = 0
    in_tx = False
    tx_writes = False
    autocommit_writes = 0
    reads = 0
    writes = 0
    for _, sql, _ in statements:
        head = sql.split(None, 1)[0].upper() if sql.split() else ""
        if head in ("BEGIN", "START"):
            in_tx, tx_writes = True, False
            continue
        if head in ("COMMIT", "END"):
            transactions += 1
            writing_commits += 1 if tx_writes else 0
            in_tx = False
            continue
        is_write = head in ("INSERT", "UPDATE", "DELETE") or (
            head == "WITH" and re.search(r"\b(insert|update|delete)\b", sql, re.I) is not None) or (
            # the router's batched writes: functions that insert and update
            head == "SELECT" and re.match(r"select\s+payment_router_", sql, re.I) is not None)
        if is_write:
            writes += 1
        else:
            reads += 1
        if in_tx:
            tx_writes = tx_writes or is_write
        else:
            transactions += 1
            autocommit_writes += 1 if is_write else 0
    return {"statements": reads + writes, "reads": reads, "writes": writes, "transactions": transactions,
            "durableCommits": writing_commits + autocommit_writes}


TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d(:?\d\d)?|Z)?$")


def _literal(value):
    """The value as SQL. The log does not say which type the driver bound it with, and an untyped literal is
    typed by its context, which a VALUES list in a SELECT (data-modifying CTEs) turns into text: numbers go in
    bare, timestamps and JSON with a cast."""
    if value is None:
        return "NULL"
    if re.fullmatch(r"-?\d{1,18}", value):
        return value
    quoted = "'" + value.replace("'", "''") + "'"
    if TIMESTAMP.match(value):
        return quoted + "::timestamptz"
    if value.lstrip().startswith(("{", "[")):
        try:
            json.loads(value)
            return quoted + "::jsonb"
        except ValueError:
            pass
    return quoted


def _split_keep(pieces, unique):
    """Pieces of text as (is_unique, text), with every occurrence of `unique` in the plain pieces split out."""
    out = []
    for marked, text in pieces:
        if marked:
            out.append((marked, text))
            continue
        for k, part in enumerate(text.split(unique)):
            if k:
                out.append((True, unique))
            if part:
                out.append((False, part))
    return out


def pgbench_script(statements, unique_values):
    """A pgbench script running these statements with their captured values, except that every occurrence of one
    of `unique_values` (intent id, idempotency key), in plain text, JSON or arrays, is made unique per transaction."""
    lines = ["-- One payment intent's SQL as the router issued it (captured with log_statement = all).",
             "-- Values are the captured ones; ids and keys are made unique per pgbench transaction.",
             r"\set uid random(1, 999999999999999)"]
    for _, sql, params in statements:
        text = sql
        for number in sorted(params, reverse=True):
            value = params[number]
            literal = _literal(value)
            if value is not None and any(u and u in value for u in unique_values):
                # Every occurrence of a unique value, in plain text, JSON or array literals alike, becomes
                # 'bench_' || uid || value: batched statements carry ids inside arrays.
                pieces = [(False, value)]
                for unique in unique_values:
                    if unique:
                        pieces = _split_keep(pieces, unique)
                expression = " || ".join(
                    ("'bench_' || :uid::text || " if marked else "") + "'" + text.replace("'", "''") + "'"
                    for marked, text in pieces)
                cast = literal[literal.rindex("'") + 1:] if literal.startswith("'") else ""
                literal = "(" + expression + ")" + cast
            text = re.sub(r"\$" + str(number) + r"(?!\d)", lambda m, lit=literal: lit, text)
        lines.append(_hide_colons(" ".join(text.split())) + ";")
    return "\n".join(lines) + "\n"


LITERAL = re.compile(r"'(?:[^']|'')*'")
COLON_NAME = re.compile(r":(?=[A-Za-z_])")


def _hide_colons(sql):
    """pgbench reads `:name` as one of its variables even inside a string literal ('provider:alpha:charges'), and in
    prepared mode the statement then no longer matches its parameters: such a colon is spelled chr(58) instead, the
    literal becoming a parenthesized concatenation with the same value."""
    def hide(match):
        literal = match.group(0)
        if not COLON_NAME.search(literal):
            return literal
        pieces = COLON_NAME.split(literal[1:-1])
        return "(" + " || chr(58) || ".join("'" + piece + "'" for piece in pieces) + ")"
    return LITERAL.sub(hide, sql)


UID = re.compile(r":uid(?![A-Za-z0-9_])")
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END)\b", re.I)


def grouped_script(single, intents):
    """The replay of `intents` intents per pgbench transaction, from the one-intent script `single` (as
    pgbench_script writes it): BEGIN, every intent's statements with random ids of its own (uid1..uidN), COMMIT.
    One COMMIT then stands for `intents` intents, as one of the router's group commits does for many; a BEGIN or
    COMMIT the captured SQL had itself is dropped, since a nested one would end the group early."""
    if intents < 1:
        raise ValueError(f"intents per transaction must be at least 1, not {intents}")
    lines = single.splitlines()
    comments = [line for line in lines if line.startswith("--")]
    statements = [line for line in lines if line.strip() and not line.startswith(("--", "\\"))
                  and not TRANSACTION_CONTROL.match(line)]
    out = comments + [f"-- Grouped: {intents} intent(s) per transaction, one COMMIT for all of them."]
    out += [f"\\set uid{k} random(1, 999999999999999)" for k in range(1, intents + 1)]
    out.append("BEGIN;")
    for k in range(1, intents + 1):
        out += [UID.sub(f":uid{k}", statement) for statement in statements]
    out.append("COMMIT;")
    return "\n".join(out) + "\n"
