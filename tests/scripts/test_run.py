from scripts.run import environment


def test_fresh_secrets_are_made_for_each_start():
    starts = [environment({}) for _ in range(50)]
    for name in ("RASA_JWT_SECRET", "ACTION_SERVER_TOKEN"):
        assert len({env[name] for env in starts}) == 50
        assert all(len(env[name]) == 64 for env in starts)


def test_given_secrets_are_kept():
    env = environment({"RASA_JWT_SECRET": "s" * 40, "ACTION_SERVER_TOKEN": "t" * 40})
    assert env["RASA_JWT_SECRET"] == "s" * 40 and env["ACTION_SERVER_TOKEN"] == "t" * 40
