"""`qorgau erasure decide CASE_NUMBER --by SUPERVISOR --approve|--refuse --basis CODE --requested-on DATE`."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from qorgau.accounts.models import User
from qorgau.cases.models import Case
from qorgau.lifecycle.models import ErasureDecision
from qorgau.lifecycle.services import erasure_decide


class Command(BaseCommand):
    help = "Record a supervisor's decision on a survivor's request for erasure (approval anonymises)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        decide = sub.add_parser("decide")
        decide.add_argument("case_number")
        decide.add_argument("--by", required=True, help="username of the deciding supervisor")
        choice = decide.add_mutually_exclusive_group(required=True)
        choice.add_argument("--approve", action="store_true")
        choice.add_argument("--refuse", action="store_true")
        decide.add_argument("--basis", required=True, choices=ErasureDecision.Basis.values)
        decide.add_argument("--requested-on", required=True, type=date.fromisoformat)

    def handle(self, *args, case_number, by, approve, basis, requested_on, **options):
        case = Case.objects.filter(number=case_number.upper()).first()
        actor = User.objects.filter(username=by, is_active=True).first()
        if case is None or actor is None:
            raise CommandError("no such case or active user")
        try:
            decision = erasure_decide(
                actor=actor, case=case, approved=approve, basis=basis, requested_on=requested_on
            )
        except PermissionDenied:
            raise CommandError(f"{by} may not decide erasure for {case.number}") from None
        except ValidationError as exc:
            raise CommandError("; ".join(str(m) for m in exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{case.number}: erasure {'approved and carried out' if decision.approved else 'refused'} "
                f"by {by} ({basis})"
            )
        )
