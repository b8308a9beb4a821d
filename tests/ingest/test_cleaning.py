"""Cleaning: scraping residue goes, captions stay apart from the body."""

from dimis.ingest.cleaning import BODY, CAPTION, clean


def kinds(text):
    cleaned = clean(text)
    return [(p.kind, cleaned.text[p.start : p.end]) for p in cleaned.paragraphs]


def test_marker_line_and_the_caption_after_it():
    text = (
        "The conference reviewed the year.\n\nleftcenterrightdel\n"
        "Maj. Gen. Tran Van Binh speaks at the event.\n\nHe asked units to work hard."
    )
    assert kinds(text) == [
        (BODY, "The conference reviewed the year."),
        (CAPTION, "Maj. Gen. Tran Van Binh speaks at the event."),
        (BODY, "He asked units to work hard."),
    ]
    assert "leftcenterrightdel" not in clean(text).text


def test_marker_glued_to_the_caption_and_inside_table_pipes():
    text = "| leftcenterrightdel |\n| Rear Adm. Le Van Hai inspects a ship. |\n\nThe body goes on here."
    assert kinds(text) == [
        (CAPTION, "Rear Adm. Le Van Hai inspects a ship."),
        (BODY, "The body goes on here."),
    ]
    assert "|" not in clean(text).text


def test_photo_credits_make_captions_and_are_dropped():
    text = (
        "Senior Lieutenant General Le Huy Vinh speaks at the conference. (Photo: qdnd.vn)\n\n"
        "Delegates at the conference\n\n"
        "An overview of the event. Photo: VNA\n\n"
        "The ministry praised the general department for its results in the first half of the year."
    )
    assert kinds(text) == [
        (CAPTION, "Senior Lieutenant General Le Huy Vinh speaks at the conference."),
        (CAPTION, "Delegates at the conference"),
        (CAPTION, "An overview of the event."),
        (
            BODY,
            "The ministry praised the general department for its results in the first half of the year.",
        ),
    ]


def test_residue_lines_go():
    text = (
        "The review took place.\n\nTranslated by Tran Hoai\n\nTranslate by Quynh Oanh\n\n"
        "Read full this story\n\nSource: qdnd.vn\n\nThe minister spoke at length about it."
    )
    assert clean(text).text == "The review took place.\n\nThe minister spoke at length about it."


def test_outlet_and_date_prefixes_go_and_the_date_is_kept():
    for prefix in (
        "( Bqp.vn ) - ",
        "(Bqp.vn) - ",
        "12/05/2023 - ",
        "12/05/2023 14:30 - (QĐND) - ",
        "Hanoi (VNA) – ",
        "HANOI, Dec. 20 (VNA) – ",
        "QĐND Online - ",
        "VOV.VN - ",
        "NDO - ",
    ):
        cleaned = clean(prefix + "The General Department of Defense Industry held a conference.")
        assert cleaned.text == "The General Department of Defense Industry held a conference.", (
            prefix
        )
    assert clean("12/05/2023 - The review was held.").published == "2023-05-12"


def test_wrapped_lines_join_into_one_body_paragraph():
    text = "The deputy minister asked the general department\nto speed up the progress of\ninvestment projects.\n\nNext."
    cleaned = clean(text)
    assert cleaned.paragraphs[0].kind == BODY
    assert cleaned.text.startswith(
        "The deputy minister asked the general department to speed up the progress of investment projects."
    )


def test_spaces_quotes_and_invisible_characters_are_normalised():
    cleaned = clean("Vietnam People’s\u00a0Army\u200b  held   a review.")
    assert cleaned.text == "Vietnam People's Army held a review."


def test_paragraph_offsets_point_into_the_cleaned_text():
    cleaned = clean(
        "First paragraph here.\n\n\n\nleftcenterrightdel\nA caption\n\nLast paragraph here."
    )
    for paragraph in cleaned.paragraphs:
        assert cleaned.text[paragraph.start : paragraph.end].strip()
    assert [p.kind for p in cleaned.paragraphs] == [BODY, CAPTION, BODY]
