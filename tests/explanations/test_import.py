"""Importing explanation exports: every format, streamed, idempotent, all or nothing, bad records
named by line or item, rows mapped onto our sets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from graphs.explanations import methods
from graphs.explanations.models import Explanation
from graphs.explanations.services.importer import ImportRefused, import_stream
from tests.explanations.exports import np_row, write_json_list, write_jsonl

pytestmark = [pytest.mark.datalayer, pytest.mark.django_db]

ROWS = [
    np_row(1, "cities in Texas"),
    np_row(2, "say 8", layer="12-clt-hp", score=0.71),
    np_row(3, "opposites", type_name="eleuther_acts_top20", explainer=None),
    np_row(4, "the word 'the'", type_name="oai_token-act-pair"),
]


@pytest.mark.parametrize("writer", [write_jsonl, write_json_list])
@pytest.mark.parametrize("gz", [False, True])
def test_it_imports_every_format(tmp_path: Path, writer, gz):
    path = writer(tmp_path / "export", ROWS, gz=gz)
    with path.open("rb") as handle:
        report = import_stream(handle)
    assert (report.read, report.added) == (4, 4)
    texas = Explanation.objects.get(description="cities in Texas")
    assert (texas.model_id, texas.source_set, texas.layer, texas.index) == (
        "gemma-2-2b",
        "gemmascope-transcoder-16k",
        3,
        1,
    )
    assert texas.method == methods.MAX_ACT_LOGITS and texas.explainer_model == "gpt-4o-mini"
    assert texas.author is None
    say8 = Explanation.objects.get(description="say 8")
    assert (say8.source_set, say8.layer, say8.score) == ("clt-hp", 12, 0.71)
    other = Explanation.objects.get(description="opposites")
    assert other.method == methods.IMPORTED and other.notes == "typeName eleuther_acts_top20"
    assert Explanation.objects.get(index=4).method == methods.TOKEN_ACT_PAIR


def test_a_second_import_adds_nothing(tmp_path: Path):
    path = write_jsonl(tmp_path / "e.jsonl", ROWS)
    import_stream(path.open("rb"))
    ids = set(Explanation.objects.values_list("id", flat=True))
    report = import_stream(path.open("rb"))
    assert (report.read, report.added, report.already_present) == (4, 0, 4)
    assert set(Explanation.objects.values_list("id", flat=True)) == ids


def test_duplicates_inside_one_file_are_stored_once(tmp_path: Path):
    path = write_jsonl(tmp_path / "e.jsonl", [ROWS[0], ROWS[1], ROWS[0]])
    report = import_stream(path.open("rb"))
    assert (report.read, report.added) == (3, 2)
    assert Explanation.objects.count() == 2


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"modelId": "gemma-2-2b", "layer": "3-x", "index": 1}, "line 3: description"),
        (np_row(9, "x", layer="gemmascope"), "line 3: layer 'gemmascope'"),
        ({**np_row(9, "x"), "index": -4}, "line 3: index"),
        ({**np_row(9, "x"), "index": "nine"}, "line 3: index"),
        (np_row(9, "x", score="high"), "line 3: score"),
        ([1, 2], "line 3: an explanation must be a JSON object"),
        (np_row(9, "x" * 5000), "line 3: description is longer"),
    ],
)
def test_a_bad_record_is_named_and_nothing_is_imported(tmp_path: Path, bad, message):
    path = write_jsonl(tmp_path / "e.jsonl", [ROWS[0], ROWS[1], bad, ROWS[2]])
    with pytest.raises(ImportRefused, match=message):
        import_stream(path.open("rb"))
    assert Explanation.objects.count() == 0


def test_broken_json_is_named_by_line_and_by_item(tmp_path: Path):
    lines = tmp_path / "e.jsonl"
    good = json.dumps(ROWS[0])
    lines.write_text(f'{good}\n\n{{"oops"\n')
    with pytest.raises(ImportRefused, match="line 3: not valid JSON"):
        import_stream(lines.open("rb"))
    listed = tmp_path / "e.json"
    listed.write_text(f'[{good}, {{"y": ]')
    with pytest.raises(ImportRefused, match="item 2: not valid JSON"):
        import_stream(listed.open("rb"))
    with pytest.raises(ImportRefused, match="no explanations"):
        import_stream(io.BytesIO(b"  \n "))


def test_a_truncated_gzip_is_refused(tmp_path: Path):
    path = write_jsonl(tmp_path / "e.jsonl.gz", ROWS * 50, gz=True)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(ImportRefused, match="cannot read the file"):
        import_stream(path.open("rb"))
    assert Explanation.objects.count() == 0


def test_model_and_source_set_override_the_mapping(tmp_path: Path):
    path = write_jsonl(tmp_path / "e.jsonl", ROWS[:2])
    import_stream(path.open("rb"), model_id="demo", source_set="demo-clt")
    assert set(Explanation.objects.values_list("model_id", "source_set", "layer")) == {
        ("demo", "demo-clt", 3),
        ("demo", "demo-clt", 12),
    }
    with pytest.raises(ImportRefused, match="give both"):
        import_stream(path.open("rb"), model_id="demo")


def test_registry_names_map_neuronpedia_sets_onto_ours(tmp_path: Path, settings):
    models_file = tmp_path / "models.json"
    models_file.write_text(
        '[{"id": "qwen-local", "display_name": "Q", "queue": "q", "model": "m", '
        '"transcoders": "t", "features_model": "qwen3", "source_set": "hp", '
        '"neuronpedia_model": "qwen3-4b", "neuronpedia_source_set": "transcoder-hp"}]'
    )
    settings.GENERATION_MODELS_FILE = str(models_file)
    rows = [np_row(1, "x", model="qwen3-4b", layer="5-transcoder-hp"), np_row(2, "y")]
    import_stream(write_jsonl(tmp_path / "e.jsonl", rows).open("rb"))
    assert set(Explanation.objects.values_list("model_id", "source_set", "layer", "index")) == {
        ("qwen3", "hp", 5, 1),
        ("gemma-2-2b", "gemmascope-transcoder-16k", 3, 2),  # the built-in entry's own names
    }


class _NoWholeReads(io.RawIOBase):
    """A file that refuses to be read whole and serves at most 64 KiB per read: an importer that
    loaded the export into memory would fail here."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos, self.largest = data, 0, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("the importer read the whole file at once")
        size = min(size, 65536)
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        self.largest = max(self.largest, len(chunk))
        return chunk


@pytest.mark.parametrize("writer", [write_jsonl, write_json_list])
@pytest.mark.parametrize("gz", [False, True])
def test_it_streams_and_writes_in_batches(
    tmp_path: Path, settings, writer, gz, django_assert_max_num_queries
):
    settings.IMPORT_BATCH_SIZE = 100
    rows = [np_row(i, f"feature number {i}") for i in range(2000)]
    data = writer(tmp_path / "e", rows, gz=gz).read_bytes()
    assert len(data) > 65536 or gz
    # 2,000 rows in batches of 100: a few queries per batch (SQLite splits an INSERT at its
    # variable limit), never one per row.
    with django_assert_max_num_queries(100):
        report = import_stream(_NoWholeReads(data))
    assert report.added == 2000 == Explanation.objects.count()


def test_the_command_reports_and_refuses_without_a_traceback(tmp_path: Path, capsys):
    path = write_jsonl(tmp_path / "e.jsonl.gz", ROWS, gz=True)
    call_command("import_explanations", str(path))
    assert "read 4 explanations" in capsys.readouterr().out
    call_command("import_explanations", str(path))
    assert "added 0, 4 already present" in capsys.readouterr().out
    bad = write_jsonl(tmp_path / "bad.jsonl", [ROWS[0], {"modelId": "x"}])
    with pytest.raises(CommandError, match="line 2: layer must be a non-empty string"):
        call_command("import_explanations", str(bad))
    with pytest.raises(CommandError, match="cannot open"):
        call_command("import_explanations", str(tmp_path / "missing.jsonl"))
