"""The pretrained sentence encoder, its DIET featurizer and the reproducible training settings."""

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components import encoder, reproducible
from bot.components.encoder import DIMENSIONS, EncoderFeatures, embed
from bot.components.sentence_encoder import SentenceEncoderFeaturizer


def test_vectors_are_unit_length_and_the_same_every_time():
    """The same batch gives the same bits; a text encoded alone differs from it in a batch only by rounding
    (the encoder multiplies a micro-batch at once), far below anything a classifier could notice."""
    texts = ["my mother died last week", "we are opening a bakery"]
    first = embed(texts)
    again = np.asarray(encoder.get_encoder()._model.encode(texts), dtype=np.float32)  # past the cache
    alone = np.asarray(encoder.get_encoder()._model.encode(texts[:1]), dtype=np.float32)
    assert first.shape == (2, DIMENSIONS)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-3)
    assert np.array_equal(first, again)
    assert np.allclose(first[0], alone[0], atol=1e-5)


def test_meaning_not_words_and_french_beside_english():
    death, french_death, bakery = embed(["my mom passed away", "ma mère est décédée", "I am opening a bakery"])
    assert float(death @ french_death) > float(death @ bakery) + 0.1


def test_the_featurizer_gives_diet_one_sentence_feature_per_text():
    featurizer = SentenceEncoderFeaturizer(
        SentenceEncoderFeaturizer.get_default_config(), ExecutionContext(graph_schema=None, node_name="enc")
    )
    with_text, payload = Message(data={TEXT: "we just moved from Calgary"}), Message(data={"intent": "greet"})
    featurizer.process([with_text, payload])
    sequence, sentence = with_text.get_dense_features(TEXT)
    assert sequence is None and sentence.features.shape == (1, DIMENSIONS)
    assert payload.get_dense_features(TEXT) == (None, None)


def test_encoder_features_stand_beside_tfidf_with_their_weight():
    features = EncoderFeatures(2.0).fit(["a"]).transform(["a new baby", "a new business"])
    assert features.shape == (2, DIMENSIONS)
    assert np.allclose(np.linalg.norm(features.toarray(), axis=1), 2.0, atol=1e-2)


def test_training_runs_seeded_with_fixed_threads():
    env = reproducible.environment({"PATH": "/bin"})
    assert env["PYTHONHASHSEED"] == str(reproducible.SEED) and env["TF_DETERMINISTIC_OPS"] == "1"
    assert env["OMP_NUM_THREADS"] == env["TF_NUM_INTRAOP_THREADS"] == str(reproducible.THREADS)
    assert env["PATH"] == "/bin"
    assert reproducible.command("/py", ["train", "--force"]) == [
        "/py",
        "-m",
        "bot.components.reproducible",
        "train",
        "--force",
    ]
