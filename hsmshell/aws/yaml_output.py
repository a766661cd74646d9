"""`--output yaml` and `yaml-stream` (AWS CLI v2): what awscli.formatter.YAMLDumper writes.

The CLI dumps with ruamel.yaml's safe dumper: block style, keys sorted, YAML 1.2's implicit
types (so `yes` and `on` stay plain, `1e3` is quoted), Unicode as is, lines folded at 80.
PyYAML's emitter writes the same text once it resolves scalars by YAML 1.2's rules, which is
what this module gives it.  A scalar (a `--query` that picks one value) is written as JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

import yaml


class _Resolver12(yaml.resolver.BaseResolver):
    """ruamel.yaml's VersionedResolver for YAML 1.2: the plain scalars that read back as
    something other than a string, and so must be quoted."""


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("float", r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                  |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""", "-+0123456789."),
    ("int", r"""^(?:[-+]?0b[0-1_]+
                |[-+]?0o?[0-7_]+
                |[-+]?[0-9_]+
                |[-+]?0x[0-9a-fA-F_]+)$""", "-+0123456789"),
    ("merge", r"^(?:<<)$", "<"),
    ("null", r"^(?: ~ |null|Null|NULL | )$", "~nN"),
    ("timestamp", r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                      |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                      (?:[Tt]|[ \t]+)[0-9][0-9]?
                      :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                      (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", "0123456789"),
    ("value", r"^(?:=)$", "="),
    ("yaml", r"^(?:!|&|\*)$", "!&*"),
):
    _Resolver12.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern, re.X),
                                      list(_first) + ([""] if _tag == "null" else []))


class _Representer(yaml.representer.SafeRepresenter):
    def ignore_aliases(self, data) -> bool:
        return True  # the CLI's data is parsed JSON: no value is shared, so nothing gets an anchor


class _Dumper(yaml.emitter.Emitter, yaml.serializer.Serializer, _Representer, _Resolver12):
    # GAP: a NEL (U+0085) inside a string is written as is, where ruamel.yaml escapes it (\N).
    def __init__(self, stream, **kwargs):
        yaml.emitter.Emitter.__init__(self, stream, allow_unicode=kwargs["allow_unicode"], width=kwargs["width"])
        yaml.serializer.Serializer.__init__(self)
        _Representer.__init__(self, default_flow_style=False, sort_keys=True)
        _Resolver12.__init__(self)


def dump(value: Any, stream: TextIO) -> None:
    """awscli.formatter.YAMLDumper.dump."""
    if value is None or isinstance(value, (bool, int, float, str)):
        # YAML would end a lone scalar with `...`: the CLI writes JSON instead
        json.dump(value, stream, ensure_ascii=False)
        stream.write("\n")
        return
    yaml.dump(value, stream, Dumper=_Dumper, allow_unicode=True, width=80)
