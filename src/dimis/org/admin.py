from django.contrib import admin

from .models import Appointment, OrgUnit, Person, Rank, RankRecord, UnitLink


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "abbreviation", "kind", "classification"]
    search_fields = ["code", "name", "name_en", "abbreviation"]
    list_filter = ["kind", "is_sample"]


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "abbreviation_en", "service", "level"]


for model in (UnitLink, Person, RankRecord, Appointment):
    admin.site.register(model)
