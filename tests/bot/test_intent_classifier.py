import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfTransformer

from bot.intent_classifier import (
    LinearIntentClassifier,
    fit,
    inverse_document_frequency,
    question_clause_counts,
    sentence_counts,
    sentence_vectors,
    tfidf,
)

EXAMPLES = {
    "greet": ["hello", "hi there", "hello friend", "hey hello", "hi hi", "good morning hello"],
    "ask_visa": ["which visa", "visa for doctors", "need a visa", "j1 visa", "h1b visa please", "visa help"],
    "ask_exam": ["usmle exam", "when is the exam", "exam dates", "nclex exam", "exam fees", "pass the exam"],
}


def test_idf_is_scikit_learns_smoothed_idf():
    counts = scipy.sparse.csr_matrix(np.array([[1, 0, 2], [0, 0, 1], [3, 1, 0]]))
    expected = TfidfTransformer(smooth_idf=True).fit(counts).idf_
    assert np.allclose(inverse_document_frequency(counts), expected)


def test_each_featurizer_block_has_unit_length_and_counts_are_sublinear():
    counts = scipy.sparse.csr_matrix(np.array([[4.0, 1.0, 0.0, 2.0, 2.0]]))
    weighted = tfidf(counts, np.ones(5), [3, 2]).toarray()[0]
    assert np.isclose(np.linalg.norm(weighted[:3]), 1.0)
    assert np.isclose(np.linalg.norm(weighted[3:]), 1.0)
    assert np.isclose(weighted[0] / weighted[1], 1 + np.log(4))


def test_a_row_of_zeros_stays_zeros():
    assert tfidf(scipy.sparse.csr_matrix((1, 4)), np.ones(4), [2, 2]).nnz == 0


def featurized(texts):
    messages = [Message(data={"text": t, "intent": i}) for t, i in texts]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return messages


def model_storage(directory):
    directory.mkdir()
    return LocalModelStorage(directory)


def train_featurizer(messages, tmp_path):
    storage = model_storage(tmp_path / "featurizer")
    context = ExecutionContext(GraphSchema({}), "test")
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "max_ngram": 3},
        storage, Resource("cvf"), context,
    )
    featurizer.train(TrainingData(messages))
    featurizer.process_training_data(TrainingData(messages))
    return featurizer


def training_messages():
    return featurized([(t, intent) for intent, texts in EXAMPLES.items() for t in texts])


def test_fit_ranks_the_right_intent_first_with_probabilities_that_sum_to_one(tmp_path):
    messages = training_messages()
    featurizer = train_featurizer(messages, tmp_path)
    counts, sizes = sentence_counts(messages)
    model = fit(counts, [m.get("intent") for m in messages], sizes, c=0.5, folds=3, seed=7)
    new = featurized([("hello there", None), ("a visa for me", None), ("the nclex exam", None)])
    featurizer.process(new)
    probabilities = model.rank(sentence_counts(new, sizes)[0])
    assert [model.intents[i] for i in probabilities.argmax(axis=1)] == ["greet", "ask_visa", "ask_exam"]
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert (probabilities.max(axis=1) > 0.5).all()


def test_dense_sentence_vectors_count_beside_the_counts(tmp_path):
    """Messages the counts cannot tell apart are separated by their dense vectors, at the configured
    weight, and ranking then needs the vectors."""
    messages = training_messages()
    train_featurizer(messages, tmp_path)
    counts, sizes = sentence_counts(messages)
    labels = [m.get("intent") for m in messages]
    # A dense feature that says only which intent: weight 0 ignores it, weight 1 learns it.
    vectors = np.array([[float(label == intent) for intent in EXAMPLES] for label in labels])
    model = fit(counts, labels, sizes, c=0.5, folds=3, seed=7, vectors=vectors, dense_weight=1.0)
    blank = scipy.sparse.csr_matrix((3, counts.shape[1]))
    probabilities = model.rank(blank, np.eye(3))
    assert [model.intents[i] for i in probabilities.argmax(axis=1)] == list(EXAMPLES)  # eye: row = intent
    ignored = fit(counts, labels, sizes, c=0.5, folds=3, seed=7, vectors=vectors, dense_weight=0.0)
    assert np.allclose(ignored.rank(blank, np.eye(3)), ignored.rank(blank, np.zeros((3, 3))))
    assert model.dense_width == 3 and ignored.dense_width == 3


def test_messages_without_dense_features_get_zero_vectors():
    assert sentence_vectors([Message(data={"text": "hi"})]).shape == (1, 0)
    assert not sentence_vectors([Message(data={"text": "hi"})], width=4).any()


def test_the_same_data_gives_the_same_model(tmp_path):
    messages = training_messages()
    train_featurizer(messages, tmp_path)
    counts, sizes = sentence_counts(messages)
    labels = [m.get("intent") for m in messages]
    first, second = (fit(counts, labels, sizes, c=0.5, folds=3, seed=7) for _ in range(2))
    assert np.array_equal(first.coef, second.coef)
    assert np.array_equal(first.slopes, second.slopes)


def test_a_message_without_features_gets_zeros_and_mismatched_widths_fail(tmp_path):
    messages = training_messages()
    train_featurizer(messages, tmp_path)
    counts, sizes = sentence_counts([Message(data={"text": ""}), messages[0]])
    assert counts.shape[0] == 2 and counts[0].nnz == 0 and counts[1].nnz > 0
    with pytest.raises(ValueError):
        sentence_counts(messages[:1], [sizes[0] + 1])


def test_the_component_survives_a_save_and_load(tmp_path):
    messages = training_messages()
    featurizer = train_featurizer(messages, tmp_path)
    storage = model_storage(tmp_path / "classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    resource = Resource("intent_classifier")
    trained = LinearIntentClassifier.create({"calibration_folds": 3}, storage, resource, context)
    trained.train(TrainingData(messages))
    loaded = LinearIntentClassifier.load({"calibration_folds": 3}, storage, resource, context)
    [message] = featurized([("hello my friend", None)])
    featurizer.process([message])
    loaded.process([message])
    assert message.get("intent")["name"] == "greet"
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "greet" and len(ranking) == 3
    assert ranking == sorted(ranking, key=lambda r: -r["confidence"])


def test_only_clauses_that_end_in_a_question_mark_are_scored_on_their_own(tmp_path):
    featurizer = train_featurizer(training_messages(), tmp_path)
    asked, statement, one_clause = featurized(
        [("hello friend, which visa? ok", None), ("hello friend, visa help", None), ("which visa?", None)]
    )
    featurizer.process([asked, statement, one_clause])
    sizes = sentence_counts([asked])[1]
    [clause] = question_clause_counts(asked, sizes)
    [which_visa] = featurized([("which visa", None)])
    featurizer.process([which_visa])
    assert (clause != sentence_counts([which_visa], sizes)[0]).nnz == 0
    assert question_clause_counts(statement, sizes) == []
    assert question_clause_counts(one_clause, sizes) == []
