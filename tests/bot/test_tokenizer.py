from bot.tokenizer import spelling_form, split_words


def test_han_runs_are_segmented_inside_mixed_text():
    words = [w for w, _ in split_words("我是nurse在Texas工作", "zh")]
    assert "nurse" in words and "Texas" in words and "工作" in words


def test_offsets_point_into_the_text():
    text = "Hola, soy enfermera!"
    for word, start in split_words(text, "es"):
        assert text[start:start + len(word)] == word


def test_punctuation_and_emoji_are_dropped():
    assert [w for w, _ in split_words("ok!!! 😀 ??", "en")] == ["ok"]


def test_persian_zwnj_words_stay_whole():
    assert "می‌خواهم" in [w for w, _ in split_words("من می‌خواهم کار کنم", "fa")]


def test_traditional_chinese_is_read_as_simplified():
    text = "我是護士"
    words = split_words(text, "zh")
    assert "护士" in [w for w, _ in words]
    assert all(text[start] for _, start in words)


def test_arabic_script_spelling_variants_share_one_form():
    assert spelling_form("أقدر") == spelling_form("اقدر")
    assert spelling_form("ممرضة") == spelling_form("ممرضه")
    assert spelling_form("مُمَرِّضَة") == spelling_form("ممرضة")  # short vowels dropped
    assert spelling_form("پزشکی") == spelling_form("پزشكي")  # Persian and Arabic kaf and ya
    assert spelling_form("می‌زنم") == spelling_form("میزنم")  # with and without ZWNJ
    assert spelling_form("Hola") == "Hola"


def test_tokens_keep_the_typed_text_and_carry_the_folded_form():
    from rasa.shared.nlu.training_data.message import Message

    from bot.tokenizer import LanguageAwareTokenizer

    tokenizer = LanguageAwareTokenizer(LanguageAwareTokenizer.get_default_config())
    [token] = tokenizer.tokenize(Message(data={"text": "أشتغل"}), "text")
    assert (token.text, token.lemma) == ("أشتغل", "اشتغل")
