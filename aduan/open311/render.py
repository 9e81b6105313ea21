"""Open311 answers in JSON or XML, the same data either way.

XML follows the GeoReport v2 examples: a plural root (`services`, `service_requests`,
`errors`), one child per item (`service`, `request`, `error`), one element per field, empty
elements for missing values, lists as comma-separated text (`keywords`), and nested lists as
nested elements (`attributes`, `endpoints` > `endpoint` > `formats` > `format`).
"""

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# XML element name for the items of a nested list field.
ITEM_NAMES = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute",
              "values": "value"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, data: dict) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list) and key in ITEM_NAMES:
            for item in value:
                node = ET.SubElement(child, ITEM_NAMES[key])
                if isinstance(item, dict):
                    _fill(node, item)
                else:
                    node.text = _text(item)
        elif isinstance(value, list):
            child.text = ", ".join(_text(v) for v in value)
        else:
            child.text = _text(value)


def to_xml(root: str, item: str | None, data) -> bytes:
    """`data` is a list of dicts (with `item` naming each) or one dict filling `root`."""
    element = ET.Element(root)
    if isinstance(data, list):
        for row in data:
            _fill(ET.SubElement(element, item), row)
    else:
        _fill(element, data)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode").encode()


def respond(fmt: str, data, *, root: str, item: str | None = None, status: int = 200):
    if fmt == "xml":
        body = to_xml(root, item, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, content_type=FORMATS[fmt], status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(fmt: str, status: int, *descriptions: str):
    errors = [{"code": status, "description": d} for d in descriptions]
    return respond(fmt, errors, root="errors", item="error", status=status)
