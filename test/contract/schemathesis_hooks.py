"""What the contract run adds to Schemathesis: a client's habits, and a check
that a refusal of schema-valid data is one the operation declares."""

import json
import uuid

import schemathesis


@schemathesis.hook
def before_call(ctx, case, kwargs):
    # A client sends a new key with each new request; reusing one for another body is refused by design.
    # Here, not at generation: shrinking and the stateful phase send one generated key with several bodies.
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = f"st-{uuid.uuid4()}"


@schemathesis.check
def refusals_are_declared(ctx, response, case):
    """Schema-valid data may meet a 422 only for a rule the operation names in `x-refused-beyond-schema`."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    declared = case.operation.definition.raw.get("x-refused-beyond-schema")
    if declared is None:
        raise AssertionError("valid data got a 422, and the operation declares no refusal beyond its schema")
    problem = json.loads(response.content or b"{}")
    code = problem.get("code")
    if code in declared["codes"]:
        return None
    fields = [error.get("field", "") for error in problem.get("errors", [])]
    if code == "validation_failed" and fields and all(
        any(field.startswith(prefix) for prefix in declared["fields"]) for field in fields
    ):
        return None
    raise AssertionError(
        f"valid data refused with {code} on {fields}, which the operation does not declare beyond its schema"
    )
