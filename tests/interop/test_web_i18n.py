"""The conversion notes and refusals on the teacher's import and export pages are in the
teacher's language (issue 16), while the converted bank file's comments stay in English (a file
is shared between teachers)."""

from __future__ import annotations

import html
import io

from tests.conftest import csrf_token
from tests.test_i18n_pure import speak

#: A GIFT file with one essay (no counterpart here: left out, with a note) and one question.
ESSAY_AND_QUESTION = b"::essay::Describe Mars.{}\n\n::red::Which planet is red?{=Mars}\n"


def _post_import(client, data: bytes, filename: str):
    page = client.get("/teach/interop/import").get_data(as_text=True)
    return client.post(
        "/teach/interop/import",
        data={"csrf_token": csrf_token(page), "source_file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_an_import_note_is_shown_in_chinese_and_the_bank_file_keeps_english(
    client, teacher
) -> None:
    speak(client, "zh-CN,zh;q=0.9")
    response = _post_import(client, ESSAY_AND_QUESTION, "planets.txt")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "essay：已略去：论述题需人工评分；这里没有对应题型" in page
    assert "essay questions are graded by hand" not in page.split("<details>", 1)[0]
    # The converted bank (shown below, and imported as it is) keeps its comments in English.
    yaml_text = page.split("<details>", 1)[1]
    assert "#   essay: left out: essay questions are graded by hand" in yaml_text


def test_a_refusal_is_shown_in_chinese_and_nothing_is_imported(client, teacher) -> None:
    speak(client, "zh-CN")
    response = _post_import(client, b"::essay::Describe Mars.{}\n", "essay.txt")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert (
        "没有任何题目能转换过来；essay：已略去：论述题需人工评分；这里没有对应题型。未导入任何内容。"
        in page
    )
    assert "no question could be carried over" not in page


def test_a_hostile_file_is_refused_in_russian(client, teacher) -> None:
    speak(client, "ru-RU,ru;q=0.9")
    hostile = b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x "y">]><quiz>&x;</quiz>'
    response = _post_import(client, hostile, "evil.xml")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "evil.xml: отклонено: XML объявляет DTD" in page
    assert "Ничего не импортировано." in page
    assert "Файл, экспортированный из Moodle или Canvas" in page  # the form's label too


def test_the_export_notes_are_shown_in_russian(demo_app, client, teacher) -> None:
    speak(client, "ru")
    listing = client.get("/teach/").get_data(as_text=True)
    bank_id = listing.split('href="/teach/banks/', 1)[1].split('"', 1)[0]
    bank_page = client.get(f"/teach/banks/{bank_id}").get_data(as_text=True)
    notes_link = f"/teach/interop/banks/{bank_id}/export/notes"
    assert notes_link in bank_page
    response = client.get(notes_link)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Что теряется в каждом формате" in page
    assert (
        "planets-from-sun: В GIFT нет вопросов на упорядочение: записано как сопоставление "
        "каждого элемента с его позицией (тег type:ordering)"
    ) in page
    assert "earth-facts: пропуск position: Canvas не сочетает выпадающие списки" in page
    assert "GIFT has no ordering question" not in page
    assert "Всё содержимое банка переносится." in page  # Moodle XML carries all of the demo
    assert f"/teach/interop/banks/{bank_id}/export?to=gift" in page


def test_the_export_notes_are_for_teachers_only(demo_app, client, auth) -> None:
    auth.register()
    assert client.get("/teach/interop/banks/1/export/notes").status_code == 403


def test_the_commands_report_is_in_quizapp_language_and_the_file_in_english(
    runner, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("QUIZAPP_LANGUAGE", "ru")
    source, out = tmp_path / "planets.txt", tmp_path / "planets.yaml"
    source.write_bytes(ESSAY_AND_QUESTION)
    result = runner.invoke(args=["quiz", "convert", str(source), "--from", "gift", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "essay: пропущено: эссе оцениваются вручную; здесь нет соответствия" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "#   essay: left out: essay questions are graded by hand" in text
    assert "пропущено" not in text
