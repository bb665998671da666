"""`python -m bot.server run …`: Rasa's own command line, with the project's fixes for Rasa 3.6 applied.

Each fix is a function that `main` applies before handing the arguments to Rasa, so nothing changes
when this module is merely imported.
"""

from __future__ import annotations

import functools
from typing import Any, Dict


@functools.lru_cache(maxsize=1)
def _action_response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_response(_action: Any, result: Dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the validator built once.

    Rasa calls `jsonschema.validate` on every action server response, which first checks Rasa's event
    schema against the JSON-Schema metaschema: 6 of the 8 ms each call costs, 11% of the server's CPU
    under load (py-spy, docs/performance.md). The verdicts and the error message are Rasa's.
    """
    from jsonschema import ValidationError, exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    if isinstance(error, ValidationError):
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
    raise error


def apply_fixes() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_response


def main() -> None:
    from rasa.__main__ import main as rasa_main

    apply_fixes()
    rasa_main()


if __name__ == "__main__":
    main()
