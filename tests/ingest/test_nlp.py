"""The spaCy pipeline: blank English, rule tokenizer, rank entities, sentence splitting."""

import pytest

from dimis.ingest.nlp import pipeline


def sentences(text):
    return [s.text.strip() for s in pipeline()(text).sents]


def test_no_model_is_loaded():
    nlp = pipeline()
    assert nlp.meta["name"] == "pipeline" or not nlp.meta.get("vectors", {}).get("width")
    assert nlp.pipe_names == ["dimis_ranks", "dimis_sentences"]


def test_sentences_survive_rank_abbreviations_and_numbers():
    text = (
        "Sr. Lt. Gen. Phung Si Tan attended. Lt. Gen. Nguyen Manh Hung chaired it. "
        "They discussed Resolution No. 08-NQ/TW and Directive No.45/CT-BQP. "
        "Rear Adm. Le Van Hai and Maj.Gen. Tran Van Binh spoke. Col. Le Van A, etc. The end."
    )
    assert sentences(text) == [
        "Sr. Lt. Gen. Phung Si Tan attended.",
        "Lt. Gen. Nguyen Manh Hung chaired it.",
        "They discussed Resolution No. 08-NQ/TW and Directive No.45/CT-BQP.",
        "Rear Adm. Le Van Hai and Maj.Gen. Tran Van Binh spoke.",
        "Col. Le Van A, etc.",
        "The end.",
    ]


def test_paragraph_breaks_and_quotes_end_sentences():
    assert sentences('He said "we will."\n\nNew paragraph without a stop\n\nLast one.') == [
        'He said "we will."',
        "New paragraph without a stop",
        "Last one.",
    ]


def test_tokens_reproduce_the_text():
    text = "The U.S. and Vietnam People's Army: 2,000 units in 2023;  Lt.Gen. X\n\nNext."
    doc = pipeline()(text)
    assert doc.text == text
    assert "Lt." in [t.text for t in doc] and "Gen." in [t.text for t in doc]


@pytest.mark.parametrize(
    ("written", "rank"),
    [
        ("Sr. Lt. Gen.", "Senior Lieutenant General"),
        ("Sen. Lt. Gen.", "Senior Lieutenant General"),
        ("Sr.Lt.Gen.", "Senior Lieutenant General"),
        ("Senior Lieutenant-General", "Senior Lieutenant General"),
        ("Colonel General", "Senior Lieutenant General"),
        ("Lt. Gen.", "Lieutenant General"),
        ("Lt.Gen.", "Lieutenant General"),
        ("Lt Gen", "Lieutenant General"),
        ("Maj. Gen.", "Major General"),
        ("Maj Gen", "Major General"),
        ("Major General", "Major General"),
        ("Sr. Col.", "Senior Colonel"),
        ("Col.", "Colonel"),
        ("Lt. Col.", "Lieutenant Colonel"),
        ("Gen.", "General"),
        ("General", "General"),
        ("Admiral", "Admiral"),
        ("Vice Adm.", "Vice Admiral"),
        ("Vice Admiral", "Vice Admiral"),
        ("Rear Adm.", "Rear Admiral"),
        ("R. Adm.", "Rear Admiral"),
    ],
)
def test_rank_entities(written, rank):
    doc = pipeline()(f"On Monday {written} Nguyen Van An spoke.")
    ranks = [(e.text, e.ent_id_) for e in doc.ents if e.label_ == "RANK"]
    assert ranks == [(written, rank)]
