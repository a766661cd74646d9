"""The AWS CLI's output formats, after `--query`.

json: `json.dumps(..., indent=4, ensure_ascii=False)` and a newline; an empty response prints
nothing.  text: the CLI's text formatter (awscli/text.py): scalars of a dict on one tab-separated
line in key order, nested lists and dicts below under their upper-cased key.  table: `table.py`.
yaml (v2): the whole response as YAML (`yaml_output.py`); yaml-stream (v2): a YAML list of one
response, or of each page as the service sent it.  Both versions format alike; what differs is
the data (`versions.Version.parsed`) and which formats exist.
"""

from __future__ import annotations

import io
import json
from typing import Any


class QueryError(Exception):
    def __init__(self, query: str, message: str):
        super().__init__(message)
        self.query = query


def check_query(query: str | None) -> None:
    """The CLI compiles `--query` as it reads its global options, before it calls anything."""
    if query is not None:
        import jmespath  # only for --query
        from jmespath.exceptions import JMESPathError

        try:
            jmespath.compile(query)
        except JMESPathError as exc:
            raise QueryError(query, str(exc)) from None


def output(response: dict, fmt: str, query: str | None, *, title: str = "", colour: bool = False,
           autoreset: bool = True) -> str:
    data: Any = response
    if query is not None:
        data = _search(query, response)
    stream = io.StringIO()
    if fmt == "text":
        _text(data, stream)
        return stream.getvalue()
    if fmt == "table":
        from . import table

        table.render(title, data, stream, colour, autoreset)
        return stream.getvalue()
    if fmt in ("yaml", "yaml-stream"):
        from . import yaml_output

        if data != {}:
            yaml_output.dump(data if fmt == "yaml" else [data], stream)
        return stream.getvalue()
    if data == {} or (query is None and not data):
        return ""
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def _search(query: str, data: Any) -> Any:
    import jmespath  # only for --query
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.search(query, data)
    except JMESPathError as exc:
        raise QueryError(query, str(exc)) from None


def paginated(result_key: str, pages: list[dict], token: str | None, fmt: str, query: str | None, *,
              title: str = "", colour: bool = False, autoreset: bool = True) -> str:
    """json, table and yaml print the pages' results merged, then --query; text formats page by
    page, --query on each (awscli's TextFormatter), so a query over a list prints one line per
    page; yaml-stream prints each page as the service sent it (less the items --max-items and
    --starting-token leave out), --query on each, and no NextToken."""
    if fmt == "yaml-stream":
        return "".join(output(page, fmt, query) for page in pages)
    if fmt != "text":
        merged: dict[str, Any] = {result_key: [item for page in pages for item in page.get(result_key, [])]}
        if token:
            merged["NextToken"] = token
        return output(merged, fmt, query, title=title, colour=colour, autoreset=autoreset)
    text = "".join(output({result_key: page.get(result_key, [])}, fmt, query) for page in pages)
    if token:
        text += output({"NextToken": {"NextToken": token}}, fmt, query)
    return text


def _text(item: Any, stream, identifier: str | None = None, scalar_keys: list[str] | None = None) -> None:
    if isinstance(item, dict):
        _text_dict(item, stream, identifier, scalar_keys)
    elif isinstance(item, list):
        _text_list(item, stream, identifier)
    else:
        stream.write(_scalar(item) + "\n")


def _text_list(items: list, stream, identifier: str | None) -> None:
    if not items:
        return
    if any(isinstance(e, dict) for e in items):
        keys = sorted({k for e in items if isinstance(e, dict) for k, v in e.items()
                       if not isinstance(v, (dict, list))})
        for element in items:
            _text(element, stream, identifier, keys)
    elif any(isinstance(e, list) for e in items):
        scalars = [e for e in items if not isinstance(e, (list, dict))]
        if scalars:
            _scalar_list(scalars, stream, identifier)
        for element in (e for e in items if isinstance(e, (list, dict))):
            _text(element, stream, identifier)
    else:
        _scalar_list(items, stream, identifier)


def _scalar_list(items: list, stream, identifier: str | None) -> None:
    if identifier is not None:
        for item in items:
            stream.write(f"{identifier.upper()}\t{_scalar(item)}\n")
    else:
        stream.write("\t".join(_scalar(i) for i in items) + "\n")


def _text_dict(item: dict, stream, identifier: str | None, scalar_keys: list[str] | None) -> None:
    if scalar_keys is None:
        scalars = [_scalar(v) for k, v in sorted(item.items()) if not isinstance(v, (dict, list))]
        nested = [(k, v) for k, v in sorted(item.items()) if isinstance(v, (dict, list))]
    else:
        scalars = [_scalar(item.get(k, "")) for k in scalar_keys]
        nested = [(k, item[k]) for k in sorted(set(item) - set(scalar_keys))]
    if scalars:
        if identifier is not None:
            scalars.insert(0, identifier.upper())
        stream.write("\t".join(scalars) + "\n")
    for key, value in nested:
        _text(value, stream, key)


def _scalar(value: Any) -> str:
    return str(value)  # Python's str, as the CLI writes it: True, 1499288695.918
