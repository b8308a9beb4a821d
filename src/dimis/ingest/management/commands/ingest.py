"""`dimis ingest extract FILE [--json]` and `dimis ingest evaluate TEXT_DIR GOLD_DIR`."""

import json
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dimis.ingest.errors import IngestError
from dimis.ingest.evaluate import evaluate
from dimis.ingest.extract import extract
from dimis.ingest.sources import iter_folder, read_file, read_text


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Read conference reports: extract the meeting, people, bodies, documents and "
            "directives of a report, or score the extraction of a folder against gold files."
        )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="extract|evaluate")
        extracting = actions.add_parser(
            "extract", help=_("extract one report (or each report of a folder)")
        )
        extracting.add_argument(
            "file", help=_("a .txt, .html, .docx or .pdf file, a folder, or - for standard input")
        )
        extracting.add_argument(
            "--json", action="store_true", help=_("print the JSON of the extraction schema")
        )
        scoring = actions.add_parser(
            "evaluate", help=_("score the extraction of a folder of reports")
        )
        scoring.add_argument("text_dir", help=_("the folder of reports (NNN_*.txt)"))
        scoring.add_argument("gold_dir", help=_("the folder of gold annotations (NNN.json)"))
        scoring.add_argument(
            "--scorer",
            default=None,
            help=_("the path of score.py (by default beside the gold folder)"),
        )
        scoring.add_argument(
            "--predictions", default=None, help=_("keep the predictions in this folder")
        )

    def handle(self, *args, action, **options):
        try:
            if action == "extract":
                self.extract(options)
            else:
                self.evaluate(options)
        except IngestError as error:
            raise CommandError(str(error)) from None

    def extract(self, options):
        name = options["file"]
        if name == "-":
            sources = [(name, read_text(sys.stdin.read(), name=_("standard input")))]
        elif Path(name).is_dir():
            sources = iter_folder(name)
        else:
            sources = [(name, read_file(name))]
        for path, source in sources:
            if isinstance(source, IngestError):
                self.stderr.write(str(source))
                continue
            result = extract(source.text)
            if options["json"]:
                self.stdout.write(json.dumps(result.to_schema(), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(self.summary(str(path), result))

    def summary(self, name, result) -> str:
        lines = [name]
        for meeting in result.meetings:
            lines.append(
                _("Meeting: %(kind)s, date %(date)s, chaired by %(chair)s")
                % {"kind": meeting.kind, "date": meeting.date or "—", "chair": meeting.chair or "—"}
            )
        for person in result.persons:
            positions = "; ".join(
                f"{p.title} ({p.org})" if p.org else p.title for p in person.positions
            )
            lines.append(
                _("Person: %(name)s")
                % {"name": " ".join(x for x in (person.rank or "", person.name) if x)}
                + (f" — {positions}" if positions else "")
            )
        for org in result.organizations:
            lines.append(_("Body: %(name)s") % {"name": org.name})
        for document in result.documents:
            lines.append(
                _("Document: %(number)s (%(kind)s)")
                % {"number": document.number or document.written, "kind": document.kind}
            )
        for directive in result.directives:
            lines.append(
                _("Directive: %(asker)s → %(addressee)s: %(action)s")
                % {
                    "asker": directive.asker or "—",
                    "addressee": directive.addressee or "—",
                    "action": directive.action,
                }
            )
        return "\n".join(lines)

    def evaluate(self, options):
        keep = options["predictions"]
        with tempfile.TemporaryDirectory(prefix="dimis-ingest-") as temporary:
            result = evaluate(
                options["text_dir"], options["gold_dir"], keep or temporary, options["scorer"]
            )
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(result.output, ending="")
