"""dbt in a process of its own that parses the project as soon as it starts and runs the command when told.

A refresh starts it before it loads the extracts: dbt's import and parse (2 to 3 s of one core, which the
load leaves idle) are done by the time the warehouse file is ready, and the command starts at once on the
parsed project. The parse opens no database; the command is the first to open the warehouse.

    python -m registrar.pipeline.dbt_launch '<json: {"parse": [dbt args], "run": [dbt args]}>'

It prints READY once parsed, then reads one line: GO runs the command, anything else (or the end of its
input: the refresh failed) ends it without opening the warehouse. Exit codes are dbt's own: 0 done, 1 a
node failed, 2 dbt could not run.
"""

from __future__ import annotations

import json
import sys

READY = "registrar-dbt: parsed"
GO = "go"


def main(argv: list[str]) -> int:
    args = json.loads(argv[0])
    from dbt.cli.main import dbtRunner

    parsed = dbtRunner().invoke(args["parse"])
    print(READY, flush=True)
    if sys.stdin.readline().strip() != GO or not parsed.success:
        return 2
    done = dbtRunner(manifest=parsed.result).invoke(args["run"])
    if done.exception is not None:
        return 2
    return 0 if done.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
