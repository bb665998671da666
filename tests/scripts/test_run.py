import argparse

from rasa.cli.arguments.run import add_server_arguments

from scripts.run import environment


def test_a_fresh_api_token_is_made_for_each_start_and_never_reads_as_an_option():
    tokens = {environment({})["RASA_API_TOKEN"] for _ in range(200)}
    assert len(tokens) == 200 and not any(t.startswith("-") for t in tokens)


def test_a_given_token_starting_with_a_dash_still_reaches_rasa_whole():
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    token = "-Ab3_x"
    assert parser.parse_args([f"--auth-token={token}"]).auth_token == token
