"""The development split is seeded, disjoint, complete, and written as Rasa training data."""

from rasa.shared.nlu.training_data.loading import load_data

from bot.config import PROJECT_ROOT
from scripts.tune_nlu import split, write_nlu


def test_split_is_seeded_disjoint_and_complete():
    train, dev = split(PROJECT_ROOT / "data" / "nlu", dev_share=0.2, seed=1)
    again_train, again_dev = split(PROJECT_ROOT / "data" / "nlu", dev_share=0.2, seed=1)
    assert (train, dev) == (again_train, again_dev)
    for language in train:
        assert not set(train[language]) & set(dev[language])
        total = len(train[language]) + len(dev[language])
        assert 0.15 < len(dev[language]) / total < 0.25
        assert {i for _, i in dev[language]} == {i for _, i in train[language]}  # every intent in both


def test_written_split_loads_as_rasa_data(tmp_path):
    train, _ = split(PROJECT_ROOT / "data" / "nlu", dev_share=0.2, seed=1)
    write_nlu({"es": train["es"]}, tmp_path)
    loaded = load_data(str(tmp_path / "es.yml"))
    assert len(loaded.intent_examples) == len(train["es"])
