"""The files we export have the shape their readers expect. No QTI 2.1 XSD is available
offline (docs/interop.md says so), so the structure is checked here: IMS namespaces, the
manifest, one item per question with the interaction of its type, a response declaration for
every interaction, outcomes, and response processing built like the IMS templates."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring

from quizapp.bank.loader import load_bank_file
from quizapp.bank.models import Bank
from quizapp.interop import export_bank
from tests.interop.conftest import BANK_FILES

QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
QTI12 = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"

INTERACTIONS = {
    "single": ({"choiceInteraction"}, "single", "identifier"),
    "multiple": ({"choiceInteraction"}, "multiple", "identifier"),
    "true_false": ({"choiceInteraction"}, "single", "identifier"),
    "short": ({"textEntryInteraction"}, "single", "string"),
    "numeric": ({"textEntryInteraction"}, "single", "float"),
    "matching": ({"matchInteraction"}, "multiple", "directedPair"),
    "ordering": ({"orderInteraction"}, "ordered", "identifier"),
    "cloze": ({"textEntryInteraction", "inlineChoiceInteraction"}, "single", None),
}


@pytest.fixture(scope="module")
def demo() -> Bank:
    return load_bank_file(BANK_FILES["demo"])


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_qti21_package_has_a_manifest_naming_one_item_per_question(bank: Bank) -> None:
    members = _members(export_bank(bank, "qti21")[0])
    manifest = fromstring(members["imsmanifest.xml"])
    assert manifest.tag == f"{CP}manifest"
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    assert len(resources) == len(bank.questions)
    for resource, question in zip(resources, bank.questions, strict=True):
        assert resource.get("type") == "imsqti_item_xmlv2p1"
        href = resource.get("href")
        assert resource.find(f"{CP}file").get("href") == href
        item = fromstring(members[href])
        assert item.tag == f"{QTI}assessmentItem"
        assert item.get("identifier") == question.id


def test_qti21_items_use_the_interaction_of_their_type(bank: Bank) -> None:
    members = _members(export_bank(bank, "qti21")[0])
    for question in bank.questions:
        item = fromstring(members[f"items/{question.id}.xml"])
        kinds, cardinality, base = INTERACTIONS[question.type]
        body = item.find(f"{QTI}itemBody")
        interactions = [n for n in body.iter() if n.tag.endswith("Interaction")]
        assert {n.tag.removeprefix(QTI) for n in interactions} <= kinds, question.id
        declarations = {d.get("identifier"): d for d in item.findall(f"{QTI}responseDeclaration")}
        for interaction in interactions:
            declaration = declarations[interaction.get("responseIdentifier")]
            assert declaration.get("cardinality") == cardinality
            if base:
                assert declaration.get("baseType") == base
            assert declaration.find(f"{QTI}correctResponse/{QTI}value") is not None
        outcomes = {o.get("identifier") for o in item.findall(f"{QTI}outcomeDeclaration")}
        assert {"SCORE", "MAXSCORE", "FEEDBACK"} <= outcomes
        maximum = next(
            o for o in item.findall(f"{QTI}outcomeDeclaration") if o.get("identifier") == "MAXSCORE"
        )
        assert float(maximum.find(f"{QTI}defaultValue/{QTI}value").text) == question.points
        # Declarations, outcomes, body, processing, feedback: the schema's order.
        order = [child.tag.removeprefix(QTI) for child in item]
        assert order.index("itemBody") > order.index("outcomeDeclaration")
        assert order.index("responseProcessing") == order.index("itemBody") + 1


def test_qti21_response_processing_follows_the_templates(demo: Bank) -> None:
    members = _members(export_bank(demo, "qti21")[0])

    def processing(question_id: str) -> ET.Element:
        item = fromstring(members[f"items/{question_id}.xml"])
        return item.find(f"{QTI}responseProcessing")

    # map_response: SCORE is 0 for no answer, else the mapped value of the response.
    single = processing("largest-planet")
    assert single.find(f".//{QTI}responseIf/{QTI}isNull/{QTI}variable") is not None
    assert single.find(f".//{QTI}responseElse//{QTI}mapResponse").get("identifier") == "RESPONSE"
    # match_correct: full marks when the response matches the correct one.
    ordering = processing("planets-from-sun")
    assert ordering.find(f".//{QTI}match/{QTI}correct") is not None
    # numeric: equal with a tolerance mode
    numeric = processing("seven-times-eight")
    assert numeric.find(f".//{QTI}equal").get("toleranceMode") == "exact"
    # feedback: the chosen choices and GENERAL
    values = [v.text for v in single.iter(f"{QTI}baseValue")]
    assert "GENERAL" in values
    item = fromstring(members["items/largest-planet.xml"])
    modal = {m.get("identifier") for m in item.findall(f"{QTI}modalFeedback")}
    assert {"C1", "C2", "C3", "GENERAL"} <= modal


def test_multiple_choice_weights_give_our_partial_scoring(demo: Bank) -> None:
    """1/c per right tick, -1/c per wrong one, never below 0: exactly our 'partial' rule."""
    members = _members(export_bank(demo, "qti21")[0])
    item = fromstring(members["items/gas-giants.xml"])
    mapping = item.find(f"{QTI}responseDeclaration/{QTI}mapping")
    assert (mapping.get("lowerBound"), mapping.get("upperBound")) == ("0", "1")
    values = [float(e.get("mappedValue")) for e in mapping.findall(f"{QTI}mapEntry")]
    assert values == [0.5, 0.5, -0.5, -0.5]


def test_qti12_package_is_one_canvas_assessment(bank: Bank) -> None:
    members = _members(export_bank(bank, "qti12")[0])
    manifest = fromstring(members["imsmanifest.xml"])
    (resource,) = manifest.findall(f"{CP}resources/{CP}resource")
    assert resource.get("type") == "imsqti_xmlv1p2"
    root = fromstring(members[resource.get("href")])
    assert root.tag == f"{QTI12}questestinterop"
    items = root.findall(f".//{QTI12}item")
    assert [i.get("ident") for i in items] == [q.id for q in bank.questions]
    canvas = {
        "single": "multiple_choice_question",
        "multiple": "multiple_answers_question",
        "true_false": "true_false_question",
        "short": "short_answer_question",
        "numeric": "numerical_question",
        "matching": "matching_question",
        "ordering": "matching_question",
    }
    for item, question in zip(items, bank.questions, strict=True):
        fields = {
            f.find(f"{QTI12}fieldlabel").text: f.find(f"{QTI12}fieldentry").text
            for f in item.iter(f"{QTI12}qtimetadatafield")
        }
        expected = canvas.get(question.type)
        if expected:
            assert fields["question_type"] == expected
        else:
            assert fields["question_type"] in (
                "fill_in_multiple_blanks_question",
                "multiple_dropdowns_question",
            )
        assert float(fields["points_possible"]) == question.points


def test_moodle_xml_uses_moodles_question_types_and_keeps_the_id(bank: Bank) -> None:
    root = fromstring(export_bank(bank, "moodle-xml")[0])
    questions = [q for q in root.findall("question") if q.get("type") != "category"]
    qtypes = {
        "single": "multichoice",
        "multiple": "multichoice",
        "true_false": "truefalse",
        "short": "shortanswer",
        "numeric": "numerical",
        "matching": "matching",
        "ordering": "ordering",
        "cloze": "cloze",
    }
    for node, question in zip(questions, bank.questions, strict=True):
        assert node.get("type") == qtypes[question.type]
        assert node.findtext("idnumber") == question.id
        assert float(node.findtext("defaultgrade")) == question.points
        tags = [t.findtext("text") for t in node.findall("tags/tag")]
        assert tags[: len(question.tags)] == list(question.tags)
        if question.type == "multiple":
            fractions = [float(a.get("fraction")) for a in node.findall("answer")]
            right = [f for f in fractions if f > 0]
            assert abs(sum(right) - 100) < 1e-3
