import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dimis.core.actor import acting_as
from dimis.performance import dhis2
from dimis.performance.values import ValuesRejected


class _TextOut:
    """Bytes of an export onto the command's (text) standard output."""

    def __init__(self, stdout):
        self.stdout = stdout

    def write(self, data: bytes):
        # Each piece of an export is whole UTF-8: it decodes on its own.
        self.stdout.write(data.decode("utf-8"), ending="")


class Command(BaseCommand):
    @property
    def help(self):
        # Read when the parser is made, in the active language (argparse wants a real str).
        return _(
            "Exchange DHIS2 data value sets (JSON or CSV, identifiers by code): import a file, "
            "or export the values a user may see."
        )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="import|export")
        importing = actions.add_parser("import", help=_("import a data value set, all or nothing"))
        importing.add_argument("file", help=_("the file (- reads standard input)"))
        importing.add_argument(
            "--user", required=True, help=_("the user the values are written as")
        )
        importing.add_argument(
            "--format",
            choices=dhis2.FORMATS,
            help=_("json or csv (by default from the file's extension)"),
        )
        importing.add_argument(
            "--dry-run",
            action="store_true",
            help=_("show what would change, write nothing"),
        )
        exporting = actions.add_parser("export", help=_("export a data value set"))
        exporting.add_argument("--user", required=True, help=_("only the values this user may see"))
        exporting.add_argument(
            "--format",
            choices=dhis2.FORMATS,
            help=_("json or csv (by default from --output's extension, else json)"),
        )
        exporting.add_argument(
            "--unit", default="", help=_("a unit's code: that unit and its subtree")
        )
        exporting.add_argument(
            "--no-children",
            action="store_true",
            help=_("only the unit itself, not its subtree"),
        )
        exporting.add_argument(
            "--period",
            nargs="+",
            default=[],
            metavar="CODE",
            help=_("period codes (with the periods inside them)"),
        )
        exporting.add_argument(
            "--start", default="", help=_("periods starting on or after YYYY-MM-DD")
        )
        exporting.add_argument(
            "--end", default="", help=_("periods ending on or before YYYY-MM-DD")
        )
        exporting.add_argument(
            "--indicator", nargs="+", default=[], metavar="CODE", help=_("indicators")
        )
        exporting.add_argument(
            "--output", default="", help=_("the file to write (standard output if none)")
        )

    def handle(self, *args, action, user, **options):
        found = get_user_model().objects.filter(username=user, is_active=True).first()
        if found is None:
            raise CommandError(_("There is no active user “%(user)s”.") % {"user": user})
        with acting_as(found, "command"):
            if action == "import":
                self.import_file(found, options)
            else:
                self.export(found, options)

    def import_file(self, user, options):
        name = options["file"]
        fmt = options["format"] or dhis2.format_for_name(name)
        if fmt is None:
            raise CommandError(_("Give --format json or csv: the file's extension does not say."))
        dry_run = options["dry_run"]
        try:
            if name == "-":
                result = dhis2.import_data_value_sets(
                    user, sys.stdin.buffer, fmt, dry_run=dry_run, source_name="stdin"
                )
            else:
                try:
                    stream = open(name, "rb")  # noqa: SIM115 (closed below, after the import)
                except OSError as error:
                    raise CommandError(
                        _("Cannot read %(file)s: %(reason)s") % {"file": name, "reason": error}
                    ) from None
                with stream:
                    result = dhis2.import_data_value_sets(
                        user, stream, fmt, dry_run=dry_run, source_name=name
                    )
        except ValuesRejected as rejected:
            lines = [_("Nothing was imported. Correct these problems and import the file again:")]
            lines += [str(e) for e in rejected.errors]
            if rejected.error_count > len(rejected.errors):
                more = rejected.error_count - len(rejected.errors)
                lines.append(
                    ngettext("… and %(count)s more.", "… and %(count)s more.", more)
                    % {"count": more}
                )
            raise CommandError("\n".join(lines)) from None
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        self.stdout.write(
            _(
                "created %(created)s, updated %(updated)s, deleted %(deleted)s, "
                "unchanged %(unchanged)s"
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
                "unchanged": result.unchanged,
            }
        )
        if dry_run:
            none = _("none")
            for change in result.changes:
                old = none if change.old is None else dhis2.plain_number(change.old)
                new = _("removed") if change.new is None else dhis2.plain_number(change.new)
                where = _("Row %(line)s") % {"line": change.line}
                self.stdout.write(
                    f"  {where}: {change.indicator} {change.unit} {change.period}: {old} → {new}"
                )
            shown = result.created + result.updated + result.deleted
            if shown > len(result.changes):
                more = shown - len(result.changes)
                self.stdout.write(
                    "  "
                    + ngettext("… and %(count)s more.", "… and %(count)s more.", more)
                    % {"count": more}
                )

    def export(self, user, options):
        output = options["output"]
        fmt = options["format"] or dhis2.format_for_name(output) or "json"
        try:
            filters = dhis2.export_filters(
                user,
                unit=options["unit"],
                children=not options["no_children"],
                periods=options["period"],
                start=options["start"],
                end=options["end"],
                indicators=options["indicator"],
            )
        except dhis2.ExportFilterError as error:
            raise CommandError(str(error)) from None
        if not output or output == "-":
            count = dhis2.export_data_value_sets(user, _TextOut(self.stdout), fmt, **filters)
            self.stderr.write(
                ngettext("%(count)s value written.", "%(count)s values written.", count)
                % {"count": count}
            )
            return
        try:
            out = open(output, "wb")  # noqa: SIM115 (closed below, after the export)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": output, "reason": error}
            ) from None
        with out:
            count = dhis2.export_data_value_sets(user, out, fmt, **filters)
        self.stdout.write(
            ngettext(
                "%(count)s value written to %(file)s.",
                "%(count)s values written to %(file)s.",
                count,
            )
            % {"count": count, "file": output}
        )
