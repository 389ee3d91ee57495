"""The API's OpenAPI 3.1 description, written out by hand: four GET endpoints."""

from __future__ import annotations

from typing import Any

PERIOD = {
    "name": "period",
    "in": "query",
    "required": False,
    "description": (
        "A month (2026-10), quarter (2026-Q3) or financial year (2026-27). "
        "Default: the last complete month. Calendar years and date ranges are refused."
    ),
    "schema": {"type": "string", "maxLength": 40, "examples": ["2026-Q3", "2026-27"]},
}

_NULLABLE_NUMBER = {"type": ["number", "null"]}
_CELL = {
    "type": "object",
    "description": (
        "One suppressed cell: counts under the threshold are null with n_display "
        "'fewer than N', and so are any a hidden cell could be worked out from."
    ),
    "properties": {
        "n": {"type": ["integer", "null"]},
        "n_display": {"type": "string"},
        "rate": _NULLABLE_NUMBER,
        "ci_low": _NULLABLE_NUMBER,
        "ci_high": _NULLABLE_NUMBER,
        "rag": {"type": ["string", "null"]},
        "previous_rate": _NULLABLE_NUMBER,
        "change": _NULLABLE_NUMBER,
        "suppressed": {"type": ["string", "null"]},
        "sentence": {"type": "string"},
    },
    "additionalProperties": True,
}
_PERIOD_OBJECT = {
    "type": "object",
    "properties": {
        "label": {"type": "string"},
        "kind": {"type": "string"},
        "title": {"type": "string"},
        "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date"},
        "previous": {"type": "string"},
        "counted_to": {
            "type": ["string", "null"],
            "format": "date",
            "description": (
                "The last day the headline counts when a running quarter or year is cut "
                "short (its month so far has too few answers to show); null otherwise"
            ),
        },
    },
    "required": ["label", "kind", "start", "end"],
}
_COUNTED_NOTE = {
    "type": ["string", "null"],
    "description": "Why a running period's figures stop early, in words; null when they do not",
}
_CARERS = {
    "type": ["object", "null"],
    "description": (
        "Foster carers' own figures, planned and suppressed apart and never in the "
        "headline; a running period is cut short on carers' own month so far"
    ),
    "properties": {
        "title": {"type": "string"},
        "counted_to": {"type": ["string", "null"], "format": "date"},
        "counted_note": _COUNTED_NOTE,
        "overall": _CELL,
        "person_level": _CELL,
        "overall_year_on_year": {"oneOf": [_CELL, {"type": "null"}]},
        "breakdowns": {"type": "array", "items": {"type": "object"}},
        "monthly": {"type": "array", "items": _CELL},
    },
    "required": ["title", "overall", "person_level"],
}
_PROBLEM = {
    "description": "A problem, in words",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                "required": ["error", "status"],
            }
        }
    },
}


def _operation(summary: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": [PERIOD],
        "security": [{"bearer": []}],
        "responses": {
            "200": {
                "description": "Suppressed figures for the period",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"period": _PERIOD_OBJECT, **properties},
                            "required": ["period"],
                        }
                    }
                },
            },
            "400": _PROBLEM,
            "401": _PROBLEM,
        },
    }


def openapi_document() -> dict[str, Any]:
    cells = {"type": "array", "items": _CELL}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Heard: satisfied or better, for the council's BI",
            "version": "1",
            "description": (
                "Read-only. The same suppressed figures as Heard's report and nothing finer. "
                "Make a token with `heard api-token add NAME`."
            ),
        },
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/api/v1/kpi": {
                "get": _operation(
                    "The headline figure (children in care and care leavers) and its "
                    "comparisons; foster carers' figure apart, in `carers`",
                    {
                        "overall": _CELL,
                        "person_level": _CELL,
                        "comparisons": {"type": "array", "items": {"type": "object"}},
                        "headline_counts": {"type": "string"},
                        "counted_note": _COUNTED_NOTE,
                        "carers": _CARERS,
                    },
                )
            },
            "/api/v1/breakdowns": {
                "get": _operation(
                    "Breakdowns by cohort, age band, home and more",
                    {"breakdowns": {"type": "array", "items": {"type": "object"}}},
                )
            },
            "/api/v1/monthly": {
                "get": _operation("Month by month", {"monthly": cells, "monthly_by_cohort": cells})
            },
            "/api/v1/report": {
                "get": _operation(
                    "Everything in the report but the quotes",
                    {"overall": _CELL, "counted_note": _COUNTED_NOTE, "carers": _CARERS},
                )
            },
        },
    }
