"""Builders for the JSON Schema (OpenAPI 3.1) that describes the directory's data."""

from .models import EARLIEST_YEAR, LATEST_YEAR


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def string(**extra):
    return {"type": "string", **extra}


def nullable(schema):
    """Return the schema that also allows null."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    extra = {"enum": [*schema["enum"], None]} if "enum" in schema else {}
    return {**schema, "type": [schema["type"], "null"], **extra}


def obj(description="", /, **properties):
    """Return a closed object schema: every property required, no others, so examples and responses must agree."""
    schema = {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}
    return {"description": description, **schema} if description else schema


def array(items, **extra):
    return {"type": "array", "items": items, **extra}


YEAR = {"type": "integer", "minimum": EARLIEST_YEAR, "maximum": LATEST_YEAR}
TEXT = nullable(string())
URL = string(format="uri")
AMOUNT = r"^[0-9]+\.[0-9]{2}$"
MONEY = nullable(string(pattern=AMOUNT, description="Pounds, as a decimal string."))
NULLABLE_YEAR = nullable(YEAR)
COUNT = {"type": "integer", "minimum": 0}
BOOLEAN = {"type": "boolean"}
DEGREES = {"type": "number"}
ONS_REGION = string(pattern=r"^E12[0-9]{6}$")
