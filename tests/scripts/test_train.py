from scripts.train import input_files, inputs_hash, rasa_cache_dir


def make_project(root):
    (root / "data" / "nlu" / "en").mkdir(parents=True)
    (root / "data" / "nlu" / "en" / "chitchat.yml").write_text("a")
    (root / "config.yml").write_text("c")
    (root / "domain.yml").write_text("d")


def test_hash_is_stable_and_changes_with_any_input(tmp_path):
    make_project(tmp_path)
    first = inputs_hash(input_files(tmp_path), tmp_path)
    assert inputs_hash(input_files(tmp_path), tmp_path) == first
    (tmp_path / "data" / "nlu" / "en" / "chitchat.yml").write_text("b")
    assert inputs_hash(input_files(tmp_path), tmp_path) != first


def test_files_outside_the_inputs_do_not_count(tmp_path):
    make_project(tmp_path)
    first = inputs_hash(input_files(tmp_path), tmp_path)
    (tmp_path / "README.md").write_text("docs")
    assert inputs_hash(input_files(tmp_path), tmp_path) == first


def test_rasa_cache_is_per_version_of_our_code_not_of_the_data(tmp_path):
    make_project(tmp_path)
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "tokenizer.py").write_text("v1")
    first = rasa_cache_dir(tmp_path)
    (tmp_path / "data" / "nlu" / "en" / "chitchat.yml").write_text("b")
    assert rasa_cache_dir(tmp_path) == first  # Rasa's own fingerprints handle data changes
    (tmp_path / "bot" / "tokenizer.py").write_text("v2")
    assert rasa_cache_dir(tmp_path) != first
