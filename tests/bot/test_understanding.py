import pytest

from bot.gazetteer import words_with_offsets
from bot.understanding import has_known_word, training_vocabulary


def words(text):
    return [w for w, _, _ in words_with_offsets(text)]


@pytest.mark.parametrize("text", ["zxqv blorp wug", "asdfgh jkl", "frimbo taklu vesh"])
def test_keyboard_mashing_is_not_understood(text):
    assert not has_known_word(words(text), training_vocabulary())


@pytest.mark.parametrize(
    "text", ["hola", "thnks", "USMLE?", "我要转人工", "спасибо", "ممنون", "😀😀", "123", "salamat po"]
)
def test_real_words_emoji_and_numbers_are_not_rejected(text):
    assert has_known_word(words(text), training_vocabulary())
