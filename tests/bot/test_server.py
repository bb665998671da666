import argparse

import jsonschema
import pytest
from rasa.cli.arguments.run import add_server_arguments
from rasa.core.actions.action import RemoteAction

from bot.server import apply_fixes, validate_action_response, with_jwt_secret

VALID = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "es"}], "responses": [{"text": "hola"}]},
    {"events": [{"event": "followup", "name": "action_x"}], "responses": [{"response": "utter_x"}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 3}]},
    {"events": [{"no": "event key"}]},
    {"responses": [3]},
]


@pytest.mark.parametrize("response", VALID)
def test_accepts_what_rasa_accepts(response):
    jsonschema.validate(response, RemoteAction.action_response_format_spec())
    assert validate_action_response(None, response) is True


@pytest.mark.parametrize("response", INVALID)
def test_rejects_what_rasa_rejects_with_rasas_message(response):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        validate_action_response(None, response)


def test_builds_the_validator_once(monkeypatch):
    validate_action_response(None, VALID[1])
    validator_class = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    checks = []
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda *args: checks.append(args)))
    validate_action_response(None, VALID[2])
    jsonschema.validate(VALID[2], RemoteAction.action_response_format_spec())
    assert len(checks) == 1  # Rasa's own way checks the schema on every call, the fixed way never again


def test_apply_fixes_makes_rasa_use_the_fixed_validation(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    apply_fixes()
    assert RemoteAction._validate_action_result is validate_action_response


RUN = ["rasa", "run", "--model", "m.tar.gz", "--enable-api"]


def test_the_jwt_secret_comes_from_the_environment_whole():
    argv = with_jwt_secret(RUN, {"RASA_JWT_SECRET": "-starts-with-a-dash"})
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    parsed, _ = parser.parse_known_args(argv[2:])
    assert parsed.jwt_secret == "-starts-with-a-dash" and parsed.jwt_method == "HS256"


@pytest.mark.parametrize("argv, environ", [
    (RUN, {}),
    ([*RUN, "--auth-token=abc"], {"RASA_JWT_SECRET": "x"}),
    ([*RUN, "-t", "abc"], {"RASA_JWT_SECRET": "x"}),
], ids=["no-secret", "query-token", "short-query-token"])
def test_an_api_without_jwt_is_refused(argv, environ):
    with pytest.raises(SystemExit):
        with_jwt_secret(argv, environ)


def test_other_commands_are_left_alone():
    for argv in (["rasa", "train"], ["rasa", "run", "--model", "m"], ["rasa"]):
        assert with_jwt_secret(argv, {}) == argv
