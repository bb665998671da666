from scripts.train import input_files, inputs_hash


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
