import json
from importlib import resources

import pytest

from threadline.model import Answer
from threadline.risk import ANSWERS, CHECKLISTS, load_checklist, validate_answers


def test_dash_has_exactly_27_unique_questions_numbered_in_order():
    dash = load_checklist("dash", "2009")
    assert len(dash.questions) == 27
    assert len(set(dash.question_ids)) == 27
    assert len({q.text for q in dash.questions}) == 27
    assert [q.number for q in dash.questions] == list(range(1, 28))
    assert dash.question_ids[0] == "dash.01" and dash.question_ids[-1] == "dash.27"
    assert dash.grading == "yes_count"


def test_sdash_has_exactly_11_unique_questions_and_is_graded_by_judgement():
    sdash = load_checklist("sdash")
    assert len(sdash.questions) == 11
    assert len(set(sdash.question_ids)) == 11
    assert len({q.text for q in sdash.questions}) == 11
    assert sdash.grading == "judgement"
    assert "frightened" in sdash.question("sdash.01").text


def test_every_declared_checklist_has_a_file_and_every_file_is_declared():
    folder = resources.files("threadline.risk").joinpath("checklists")
    files = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))
    declared = sorted(f"{name}-{v}.json" for name, vs in CHECKLISTS.items() for v in vs)
    assert files == declared
    for name, versions in CHECKLISTS.items():
        for version in versions:
            c = load_checklist(name, version)
            assert (c.id, c.version) == (name, version)
            assert c.title and c.questions


def test_answers_match_the_model_answers():
    assert set(ANSWERS) == {a.value for a in Answer}
    assert load_checklist("dash").answers == ANSWERS


def test_checklist_files_reject_unknown_fields(tmp_path):
    from threadline.risk.checklist import ChecklistError, _parse

    data = json.loads(
        resources.files("threadline.risk").joinpath("checklists", "sdash-2009.json").read_text()
    )
    data["questions"][0]["txet"] = "misspelt"
    with pytest.raises(ChecklistError, match="txet"):
        _parse(data, "sdash-2009.json")


def test_unknown_checklist_and_version_are_named():
    with pytest.raises(KeyError, match="known: dash, sdash"):
        load_checklist("dahs")
    with pytest.raises(KeyError, match="no version '2019' of dash"):
        load_checklist("dash", "2019")


def test_unknown_question_id_is_rejected_by_name():
    dash = load_checklist("dash")
    problems = validate_answers(dash, {"dash.01": "yes", "dash.28": "yes", "sdash.01": "no"})
    assert len(problems) == 2
    assert "'dash.28'" in problems[0] and "dash 2009" in problems[0]
    assert "'sdash.01'" in problems[1]


def test_bad_answer_value_is_named_and_enum_answers_are_fine():
    dash = load_checklist("dash")
    problems = validate_answers(dash, {"dash.02": "maybe", "dash.03": Answer.not_known})
    assert problems == ["dash.02: 'maybe' is not an answer (use yes, no, not_known)"]
    assert validate_answers(dash, {q: Answer.yes for q in dash.question_ids}) == []


def test_notes_on_unknown_questions_are_rejected():
    dash = load_checklist("dash")
    assert validate_answers(dash, {}, {"dash.01": "bruised arm, first injury"}) == []
    problems = validate_answers(dash, {}, {"dash.99": "x"})
    assert problems and "dash.99" in problems[0]
