"""Writes hsmshell/aws/help.json.gz: the documentation `hsmshell aws ... help` prints, read from
botocore's service models (so `hsmshell` itself never imports botocore): each served service's
text, and each command's, with its options and their documentation, in the model's order.

    python tools/generate_aws_help.py [PATH]     # PATH: somewhere else than the package
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import botocore.session

from hsmshell.aws.tables import COMMANDS

OUT = Path(__file__).resolve().parents[1] / "hsmshell" / "aws" / "help.json.gz"


def main(out: Path) -> None:
    session = botocore.session.get_session()
    docs: dict = {}
    for service, commands in COMMANDS.items():
        model = session.get_service_model(service)
        entry = {"documentation": model.documentation or "", "commands": {}}
        for name, (operation, arguments, _) in commands.items():
            op = model.operation_model(operation)
            members = op.input_shape.members if op.input_shape else {}
            entry["commands"][name] = {
                "documentation": op.documentation or "",
                "options": [[option, kind if isinstance(kind, str) else kind[0], required,
                             members[member].documentation or ""]
                            for option, member, kind, required in arguments],
                "output": [[member, shape.type_name, shape.documentation or ""]
                           for member, shape in (op.output_shape.members.items() if op.output_shape else [])],
            }
        docs[service] = entry
    # mtime 0: the same models write the same bytes
    out.write_bytes(gzip.compress(json.dumps(docs, sort_keys=True).encode(), mtime=0))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
