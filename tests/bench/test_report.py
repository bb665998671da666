from bench.report import free_stem


def test_a_later_run_of_the_same_day_gets_the_next_letter(tmp_path):
    assert free_stem(tmp_path, "2026-11-24") == "2026-11-24"
    (tmp_path / "2026-11-24.json").write_text("{}")
    assert free_stem(tmp_path, "2026-11-24") == "2026-11-24b"
    (tmp_path / "2026-11-24b.json").write_text("{}")
    assert free_stem(tmp_path, "2026-11-24") == "2026-11-24c"
    assert free_stem(tmp_path, "2026-11-25") == "2026-11-25"
