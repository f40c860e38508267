"""Reading API error bodies (problem details, meedoen.api.problems) in tests."""
from collections import defaultdict


def field_errors(response) -> dict[str, list[str]]:
    """The `invalidParams` of a 400 as {field name: [reasons]}, after checking the body is a problem."""
    assert response["Content-Type"] == "application/problem+json", response.content
    body = response.json()
    assert body["status"] == response.status_code
    errors = defaultdict(list)
    for param in body.get("invalidParams", []):
        errors[param["name"]].append(param["reason"])
    return dict(errors)
