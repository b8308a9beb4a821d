"""`dimis ingest_queue propose PATH... --unit CODE --user NAME`: read reports (files or folders)
into a unit's review queue, as the upload page does. Nothing becomes a record until a planner
decides on the proposals (the review page, or `accept` below)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dimis.framework.choices import Classification
from dimis.ingest import accept as decisions
from dimis.ingest.errors import IngestError
from dimis.ingest.models import ProposalStatus, Report
from dimis.ingest.proposals import ingest_source
from dimis.ingest.sources import iter_folder, read_file
from dimis.org.models import OrgUnit
from dimis.users.models import User


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "The review queue of conference reports: propose the contents of reports for a "
            "unit, or accept the proposals of a report that need no correction."
        )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="propose|accept")
        proposing = actions.add_parser("propose", help=_("read reports into a unit's review queue"))
        proposing.add_argument(
            "paths", nargs="+", help=_(".txt, .html, .docx or .pdf files, or folders of them")
        )
        proposing.add_argument("--unit", required=True, help=_("the host unit's code"))
        proposing.add_argument("--user", required=True, help=_("the planner who ingests"))
        proposing.add_argument(
            "--classification",
            type=int,
            default=Classification.UNCLASSIFIED,
            choices=Classification.values,
            help=_("0 unclassified … 4 top secret"),
        )
        accepting = actions.add_parser(
            "accept", help=_("accept a report's pending proposals that need no correction")
        )
        accepting.add_argument("report", type=int, help=_("the report's number (id)"))
        accepting.add_argument("--user", required=True, help=_("the planner who decides"))

    def handle(self, *args, action, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("No active user “%(name)s”.") % {"name": options["user"]})
        try:
            if action == "propose":
                self.propose(user, options)
            else:
                self.accept(user, options)
        except PermissionDenied as error:
            raise CommandError(str(error)) from None

    def propose(self, user, options):
        unit = OrgUnit.objects.all().restrict(user).filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(
                _("No unit “%(code)s” that you may see.") % {"code": options["unit"]}
            )
        failed = 0
        for name in options["paths"]:
            if Path(name).is_dir():
                sources = iter_folder(name)
            else:
                try:
                    sources = [(name, read_file(name))]
                except IngestError as error:
                    sources = [(name, error)]
            for _path, source in sources:
                if isinstance(source, IngestError):
                    self.stderr.write(str(source))
                    failed += 1
                    continue
                report, created = ingest_source(user, unit, source, options["classification"])
                pending = report.proposals.filter(status=ProposalStatus.PENDING).count()
                if created:
                    self.stdout.write(
                        ngettext(
                            "%(report)s (#%(id)s): %(n)s proposal",
                            "%(report)s (#%(id)s): %(n)s proposals",
                            pending,
                        )
                        % {"report": report, "id": report.pk, "n": pending}
                    )
                else:
                    self.stdout.write(
                        _("%(report)s (#%(id)s): ingested already, nothing new proposed")
                        % {"report": report, "id": report.pk}
                    )
        if failed:
            raise CommandError(
                ngettext("%(n)s file could not be read.", "%(n)s files could not be read.", failed)
                % {"n": failed}
            )

    def accept(self, user, options):
        report = Report.objects.all().restrict(user).filter(pk=options["report"]).first()
        if report is None:
            raise CommandError(_("No report #%(id)s that you may see.") % {"id": options["report"]})
        accepted, problems = decisions.accept_all(user, report)
        self.stdout.write(
            ngettext("Accepted %(n)s proposal.", "Accepted %(n)s proposals.", len(accepted))
            % {"n": len(accepted)}
        )
        for proposal, messages in problems:
            self.stdout.write(f"  {proposal}: {' '.join(messages)}")
