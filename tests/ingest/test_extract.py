"""Each extraction rule, with sentences written for the test."""

import pytest

from dimis.ingest.extract import extract


def person(result, name):
    found = [p for p in result.persons if p.name == name]
    assert found, f"{name} not among {[p.name for p in result.persons]}"
    return found[0]


def directives(result):
    return [(d.asker, d.addressee, d.action) for d in result.directives]


# --- people and ranks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "rank"),
    [
        ("Sr. Lt. Gen.", "Senior Lieutenant General"),
        ("Sen. Lt. Gen.", "Senior Lieutenant General"),
        ("Senior Lt. Gen.", "Senior Lieutenant General"),
        ("Colonel General", "Senior Lieutenant General"),
        ("Lt.Gen.", "Lieutenant General"),
        ("Lieutenant-General", "Lieutenant General"),
        ("Maj. Gen.", "Major General"),
        ("Sr. Col.", "Senior Colonel"),
        ("Lt. Col.", "Lieutenant Colonel"),
        ("Vice Adm.", "Vice Admiral"),
        ("Rear Adm.", "Rear Admiral"),
        ("Admiral", "Admiral"),
    ],
)
def test_rank_abbreviations_expand_army_and_navy(written, rank):
    result = extract(f"The review opened in Hanoi. {written} Do Van Khanh attended the event.")
    assert [(p.name, p.rank) for p in result.persons] == [("Do Van Khanh", rank)]


def test_short_forms_resolve_to_the_full_name_and_keep_its_rank():
    result = extract(
        "Senior Lieutenant General Vo Minh Luong attended the review. "
        "General Luong praised the results. Later, Luong asked the corporation to cut costs."
    )
    assert [(p.name, p.rank) for p in result.persons] == [
        ("Vo Minh Luong", "Senior Lieutenant General")
    ]
    assert len(person(result, "Vo Minh Luong").mentions) == 3


def test_the_same_name_with_a_navy_rank_stays_navy():
    result = extract("Vice Admiral Pham Hoai Nam spoke. Vice Adm. Nam then left.")
    assert [(p.name, p.rank) for p in result.persons] == [("Pham Hoai Nam", "Vice Admiral")]


def test_plain_names_after_titles_and_lists_after_a_plural_rank():
    result = extract(
        "Deputy Prime Minister Tran Luu Quang attended. Major Generals Do Quoc Bao and Ha Van Tu "
        "also took part."
    )
    assert [(p.name, p.rank) for p in result.persons] == [
        ("Tran Luu Quang", None),
        ("Do Quoc Bao", "Major General"),
        ("Ha Van Tu", "Major General"),
    ]
    assert [(q.title, q.org) for q in person(result, "Tran Luu Quang").positions] == [
        ("Deputy Prime Minister", "Government")
    ]


def test_place_names_are_not_people():
    result = extract("The conference in Ho Chi Minh City was held by Lt. Gen. Hoang Van Dong.")
    assert [p.name for p in result.persons] == ["Hoang Van Dong"]


# --- positions --------------------------------------------------------------------------------


def test_title_before_the_rank():
    result = extract(
        "The session was chaired by Deputy Defence Minister Sr. Lt. Gen. Hoang Xuan Chien."
    )
    assert [(q.title, q.org) for q in person(result, "Hoang Xuan Chien").positions] == [
        ("Deputy Minister of National Defense", "Ministry of National Defense")
    ]


def test_apposition_with_several_titles():
    result = extract(
        "General Luong Cuong, Politburo member and Director of the General Political Department, "
        "attended the event."
    )
    assert [(q.title, q.org) for q in person(result, "Luong Cuong").positions] == [
        ("Member of the Politburo", "Politburo"),
        ("Director", "General Department of Politics"),
    ]


def test_plural_title_before_a_list_of_people():
    result = extract(
        "Present were Deputy Ministers of National Defence, namely Senior Lieutenant General Le Huy "
        "Vinh, Lt. Gen. Vu Hai San and Vice Admiral Pham Hoai Nam."
    )
    for name in ("Le Huy Vinh", "Vu Hai San", "Pham Hoai Nam"):
        assert [q.title for q in person(result, name).positions] == [
            "Deputy Minister of National Defense"
        ]


def test_a_title_as_a_description_of_the_last_person_named():
    result = extract(
        "Senior Lieutenant General Nguyen Van Nghia addressed the meeting. "
        "The deputy defence minister asked units to save energy."
    )
    assert [(q.title, q.org) for q in person(result, "Nguyen Van Nghia").positions] == [
        ("Deputy Minister of National Defense", "Ministry of National Defense")
    ]


def test_org_of_a_described_body_in_a_title():
    result = extract(
        "Factory Z183 held its review. Col. Bui Van Ha, Political Commissar of the factory, spoke."
    )
    assert [(q.title, q.org) for q in person(result, "Bui Van Ha").positions] == [
        ("Political Commissar", "Factory Z183")
    ]


# --- organisations ----------------------------------------------------------------------------


def test_acronyms_resolve_from_the_text_first_then_the_lexicon():
    result = extract(
        "The Military Technology Academy (MTA) and the GDDI met the VPA delegation. "
        "The MTA asked the MND for funds."
    )
    names = [o.name for o in result.organizations]
    assert names == [
        "Military Technology Academy",
        "General Department of Defense Industry",
        "Vietnam People's Army",
        "Ministry of National Defense",
    ]


def test_written_forms_and_typos_of_known_bodies():
    result = extract(
        "The Defence Ministry and the Ministry of National Defence (MoND) met the Vietnam People's Amy "
        "and the General Department of Defence Industry's Party Committee."
    )
    assert [o.name for o in result.organizations] == [
        "Ministry of National Defense",
        "Vietnam People's Army",
        "Party Committee of the General Department of Defense Industry",
        "General Department of Defense Industry",
    ]


def test_party_and_state_alone_are_not_bodies():
    result = extract(
        "The Party, State and Government praised the Z111 Factory and Ba Son Corporation."
    )
    assert [o.name for o in result.organizations] == [
        "Government",
        "Z111 Factory",
        "Ba Son Corporation",
    ]


# --- documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Resolution 08/NQ-TW",
        "Resolution No. 08-NQ/TW",
        "Resolution No.08-NQ/TW",
        "Resolution 08-NQ/TW",
        "the resolution No 8-NQ/TW",
    ],
)
def test_document_numbers_normalise(written):
    result = extract(f"Units carried out {written} of the Politburo well.")
    assert [(d.number, d.kind) for d in result.documents] == [("08-NQ/TW", "resolution")]


def test_document_kinds_from_the_word_or_the_code():
    result = extract(
        "They applied Directive 45/CT-BQP, Decision No. 1229/QĐ-TTg, Decree 76/2021/NĐ-CP, "
        "Plan 1250/KH-BQP, 20-KL/TW and 36-NQ/TW, and the same Resolution 36/NQ-TW again."
    )
    assert [(d.number, d.kind) for d in result.documents] == [
        ("45-CT/BQP", "directive"),
        ("1229-QĐ/TTG", "decision"),
        ("76/2021-NĐ/CP", "other"),
        ("1250-KH/BQP", "plan"),
        ("20-KL/TW", "conclusion"),
        ("36-NQ/TW", "resolution"),
    ]


# --- directives -------------------------------------------------------------------------------


def test_one_directive_per_action():
    result = extract(
        "Lt. Gen. Tran Quang Phuong asked the Z121 Factory to renovate its production lines, "
        "cut costs and improve product quality, while also training young engineers."
    )
    assert directives(result) == [
        ("Tran Quang Phuong", "Z121 Factory", "renovate its production lines"),
        ("Tran Quang Phuong", "Z121 Factory", "cut costs"),
        ("Tran Quang Phuong", "Z121 Factory", "improve product quality"),
        ("Tran Quang Phuong", "Z121 Factory", "train young engineers"),
    ]


def test_object_lists_stay_one_action_and_as_well_as_carries_the_verb():
    result = extract(
        "Maj. Gen. Ho Van Minh urged units to study the resolution, the plan and the program, "
        "and to speed up weapons production as well as equipment maintenance."
    )
    assert directives(result) == [
        ("Ho Van Minh", "units", "study the resolution, the plan and the program"),
        ("Ho Van Minh", "units", "speed up weapons production"),
        ("Ho Van Minh", "units", "speed up equipment maintenance"),
    ]


def test_pronoun_and_described_addressees_resolve():
    result = extract(
        "The General Department of Defense Industry held its annual review. "
        "Senior Lieutenant General Ngo Van Kien praised the general department for its results. "
        "He asked it to expand exports. He also requested the service to cut waste and urged "
        "the general department to train workers."
    )
    assert directives(result) == [
        ("Ngo Van Kien", "General Department of Defense Industry", "expand exports"),
        ("Ngo Van Kien", "General Department of Defense Industry", "cut waste"),
        ("Ngo Van Kien", "General Department of Defense Industry", "train workers"),
    ]


def test_them_refers_to_the_units_named_before():
    result = extract(
        "Lt. Gen. Dao Van Hai lauded the efforts of the defence industry units and called on them "
        "to accelerate disbursement."
    )
    assert directives(result) == [
        ("Dao Van Hai", "defence industry units", "accelerate disbursement")
    ]


def test_should_sentences_take_the_speaker_of_the_paragraph():
    result = extract(
        "Speaking at the conference, Maj. Gen. Le Van Tam highly valued the Z176 Factory.\n\n"
        "In the coming time, the factory should diversify its products. Units must also ensure "
        "safety, he said."
    )
    assert directives(result) == [
        ("Le Van Tam", "Z176 Factory", "diversify its products"),
        ("Le Van Tam", "Units", "ensure safety"),
    ]


def test_should_sentences_without_a_speaker_are_not_directives():
    result = extract("According to the report, units should save energy in 2024.")
    assert result.directives == []


def test_passive_and_that_clause_and_the_need():
    result = extract(
        "Sr. Lt. Gen. Vu Van Cuong chaired the meeting. He demanded that the academy revise its "
        "curriculum, and that factories reduce stocks. Viettel was asked to export more. "
        "He stressed the need for the Navy to protect the sea."
    )
    assert directives(result) == [
        ("Vu Van Cuong", "academy", "revise its curriculum"),
        ("Vu Van Cuong", "factories", "reduce stocks"),
        ("Vu Van Cuong", "Viettel Military Industry and Telecoms Group", "export more"),
        ("Vu Van Cuong", "Vietnam People's Navy", "protect the sea"),
    ]


def test_tasked_with_a_gerund_gives_the_verb():
    result = extract("Rear Adm. Le Van Son tasked the shipyard with building two ships.")
    assert directives(result) == [("Le Van Son", "shipyard", "build two ships")]


def test_achievements_are_not_directives():
    result = extract(
        "Over the past five years, the ministry directed units to invest in technology. "
        "The general department has asked its factories to save costs. "
        "In 2023, units had to overcome many difficulties."
    )
    assert result.directives == []


def test_captions_are_not_directives_but_still_give_rank_and_position():
    result = extract(
        "The conference took place in Hanoi.\n\nleftcenterrightdel\n"
        "Lt. Gen. Tran Van Tho, Director of the GDDI, asks units to work harder\n\n"
        "The review ended at noon."
    )
    assert result.directives == []
    tho = person(result, "Tran Van Tho")
    assert tho.rank == "Lieutenant General"
    assert [(q.title, q.org) for q in tho.positions] == [
        ("Director", "General Department of Defense Industry")
    ]
    assert tho.mentions[0].caption


# --- the meeting and provenance ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        (
            "The GDDI held a conference to review its performance in the first six months.",
            "six_month_review",
        ),
        (
            "The GDDI held a conference to review its performance in 2022 and set out tasks for 2023.",
            "annual_review",
        ),
        ("The GDDI reviewed ten years of implementing Resolution 06-NQ/TW.", "multi_year_review"),
        ("The minister had a working session with the Navy.", "working_session"),
        ("The minister inspected the combat readiness of Factory Z129.", "inspection"),
        ("A ceremony marked the 80th anniversary of the defence industry.", "ceremony"),
        ("The ministry held a press conference on the expo.", "press_conference"),
        ("The GDDI held a scientific conference on materials.", "conference"),
    ],
)
def test_meeting_kinds(sentence, kind):
    assert extract(sentence).meetings[0].kind == kind


def test_meeting_date_chair_and_host():
    result = extract(
        "12/05/2023 - On May 11, the General Department of Defense Industry held a conference, "
        "chaired by Lieutenant General Tran Hong Minh."
    )
    meeting = result.meetings[0]
    assert (meeting.date, meeting.chair, meeting.host) == (
        "2023-05-11",
        "Tran Hong Minh",
        "General Department of Defense Industry",
    )
    assert extract("On May 11, the conference was held.").meetings[0].date is None


def test_every_item_keeps_its_source_span():
    text = (
        "Sr. Lt. Gen. Le Van Duc asked the Z115 Factory to cut costs. It met Resolution 08/NQ-TW."
    )
    result = extract(text)
    duc = person(result, "Le Van Duc")
    span = duc.mentions[0]
    assert result.text[span.start : span.end] == "Le Van Duc"
    assert result.sentence(span) == "Sr. Lt. Gen. Le Van Duc asked the Z115 Factory to cut costs."
    assert result.text[duc.rank_span.start : duc.rank_span.end] == "Sr. Lt. Gen. Le Van Duc"
    directive = result.directives[0]
    assert (
        result.sentence(directive.span)
        == "Sr. Lt. Gen. Le Van Duc asked the Z115 Factory to cut costs."
    )
    document = result.documents[0]
    assert result.text[document.span.start : document.span.end] == "Resolution 08/NQ-TW"
    org = result.organizations[0]
    assert result.text[org.span.start : org.span.end] == "Z115 Factory"


def test_schema_json():
    schema = extract(
        "Lt. Gen. Le Van Duc asked the GDDI to cut costs under Resolution 08/NQ-TW."
    ).to_schema()
    assert set(schema) == {"meetings", "persons", "organizations", "documents", "directives"}
    assert schema["persons"] == [
        {"name": "Le Van Duc", "rank": "Lieutenant General", "positions": []}
    ]
    assert schema["documents"] == [{"number": "08-NQ/TW", "kind": "resolution"}]
    assert schema["directives"] == [
        {
            "asker": "Le Van Duc",
            "addressee": "General Department of Defense Industry",
            "action": "cut costs under Resolution 08/NQ-TW",
        }
    ]


def test_lower_case_titles_in_an_apposition_and_quoted_requests():
    result = extract(
        "Lt. Gen. Nguyen Duc Hai, member of the Party Central Committee and deputy director of the "
        'GDDI, spoke. "The corporation must double its exports," Hai said.'
    )
    assert [(q.title, q.org) for q in person(result, "Nguyen Duc Hai").positions] == [
        ("member", "Party Central Committee"),
        ("deputy director", "General Department of Defense Industry"),
    ]
    assert directives(result) == [("Nguyen Duc Hai", "corporation", "double its exports")]
