"""Files as other tools write them (Moodle's own exports, an IMS QTI 2.1 example item), not as
Quizapp writes them, convert into the right questions."""

from __future__ import annotations

import io
import zipfile

from quizapp.interop import convert

MOODLE_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/Default for Astronomy 101</text></category>
    <info format="moodle_auto_format"><text>The default category.</text></info>
    <idnumber></idnumber>
  </question>
<!-- question: 101  -->
  <question type="multichoice">
    <name><text>Largest planet</text></name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr" style="text-align: left;">Which planet is the
      <strong>largest</strong>?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Jupiter &amp; nothing else.</p>]]></text>
    </generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>Jupiter</p>]]></text>
      <feedback format="html"><text><![CDATA[<p>Yes.</p>]]></text></feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p>Saturn</p>]]></text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <tags><tag><text>planets</text></tag></tags>
  </question>
<!-- question: 102  -->
  <question type="truefalse">
    <name><text>Sun is a star</text></name>
    <questiontext format="moodle_auto_format"><text>The Sun is a star.</text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html"><text>Right, a G-type star.</text></feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html"><text>It is.</text></feedback>
    </answer>
  </question>
<!-- question: 103  -->
  <question type="numerical">
    <name><text>Moons of Mars</text></name>
    <questiontext format="html"><text>How many moons has Mars?</text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <answer fraction="100" format="moodle_auto_format">
      <text>2</text>
      <feedback format="html"><text></text></feedback>
      <tolerance>0</tolerance>
    </answer>
  </question>
  <question type="description">
    <name><text>Intro</text></name>
    <questiontext format="html"><text>Read this first.</text></questiontext>
  </question>
</quiz>
"""


def test_a_moodle_export_converts() -> None:
    result = convert(MOODLE_EXPORT, "questions-astronomy.xml", "moodle-xml")
    assert result.bank.title == "Default for Astronomy 101"
    largest, star, moons = result.bank.questions
    assert largest.id == "largest-planet"
    assert largest.text == "Which planet is the largest?"
    assert [(c.text, c.correct, c.feedback) for c in largest.choices] == [
        ("Jupiter", True, "Yes."),
        ("Saturn", False, ""),
    ]
    assert (largest.points, largest.explanation, largest.tags) == (
        2,
        "Jupiter & nothing else.",
        ["planets"],
    )
    assert (star.type, star.answer, star.feedback_true, star.feedback_false) == (
        "true_false",
        True,
        "Right, a G-type star.",
        "It is.",
    )
    assert (moons.type, moons.answer) == ("numeric", 2)
    assert "Intro: Moodle 'description' questions have no counterpart here; left out" in (
        result.report.lines()
    )


MOODLE_GIFT = """// question: 2034  name: Red planet
::Red planet::[html]<p>Which planet is <b>red</b>?</p>{
\t=Mars#<p>Yes</p>
\t~Venus#<p>No, it is yellowish.</p>
}

// question: 2035  name: Gas giants
::Gas giants::[moodle]Which are gas giants?{
\t~%50%Jupiter
\t~%50%Saturn
\t~%-100%Mars
}

::Capital::[markdown]The capital of Belarus is {=Minsk =Mensk} today.
"""


def test_a_moodle_gift_export_converts() -> None:
    result = convert(MOODLE_GIFT.encode(), "moodle.gift", "gift")
    red, giants, capital = result.bank.questions
    assert (red.id, red.type, red.text) == ("red-planet", "single", "Which planet is red?")
    assert [c.text for c in red.choices if c.correct] == ["Mars"]
    assert giants.type == "multiple" and giants.scoring == "partial"
    assert [c.correct for c in giants.choices] == [True, True, False]
    assert capital.type == "cloze"  # Moodle's "missing word"
    assert capital.text == "The capital of Belarus is [[blank]] today."
    assert capital.grade({"blanks": {"blank": "mensk"}}).fraction == 1


IMS_ITEM = b"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="choice"
    title="Unattended Luggage" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>ChoiceA</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">
    <defaultValue><value>0</value></defaultValue>
  </outcomeDeclaration>
  <itemBody>
    <p>Look at the text in the picture.</p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <prompt>What does it say?</prompt>
      <simpleChoice identifier="ChoiceA">You must stay with your luggage at all times.
      </simpleChoice>
      <simpleChoice identifier="ChoiceB">Do not let someone else look after your luggage.
      </simpleChoice>
      <simpleChoice identifier="ChoiceC">Remember your luggage when you leave.</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing
    template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
"""

IMS_MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="MANIFEST-1">
  <organizations/>
  <resources>
    <resource identifier="choice" type="imsqti_item_xmlv2p1" href="choice.xml">
      <file href="choice.xml"/>
    </resource>
  </resources>
</manifest>
"""


def test_an_ims_qti21_example_item_converts() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", IMS_MANIFEST)
        archive.writestr("choice.xml", IMS_ITEM)
    result = convert(buffer.getvalue(), "ims.zip", "qti")
    (question,) = result.bank.questions
    assert (question.id, question.type, question.shuffle) == ("choice", "single", False)
    assert question.text == "Look at the text in the picture.\n\nWhat does it say?"
    assert [c.correct for c in question.choices] == [True, False, False]
