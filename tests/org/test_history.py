"""The history tab tells an auditor who changed what, in words rather than database ids."""

from dimis.org.models import Person


def test_history_names_related_records_and_choices(world, client):
    person = Person.objects.create(full_name="Ngô Văn Hải", owning_unit=world.f1)
    client.force_login(world.planner)
    response = client.post(
        f"/org/person/{person.pk}/edit/",
        {
            "full_name": "Ngô Văn Hải",
            "owning_unit": world.f2.pk,
            "classification": 2,
            "version": person.version,
        },
    )
    assert response.status_code == 302
    page = client.get(
        f"/org/person/{person.pk}/history/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "t-planner" in page
    assert "Unit F1" in page and "Unit F2" in page  # the owning unit before and after, by name
    assert "Confidential" in page  # the classification by its label, not its number
