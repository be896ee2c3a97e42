"""`qorgau token create USERNAME [--name N] [--days D]` and `qorgau token revoke TOKEN_KEY`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qorgau.accounts import services
from qorgau.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create or revoke API tokens for integration accounts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="integration")
        create.add_argument("--days", type=int, default=90)
        revoke = sub.add_parser("revoke", help="Revoke a token by the first characters shown in lists.")
        revoke.add_argument("token_key")

    def handle(self, *args, action, **options):
        if action == "create":
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['username']!r}.")
            try:
                _, secret = services.token_create(actor=user, name=options["name"], days=options["days"])
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(secret)
        else:
            token = ApiToken.objects.filter(token_key=options["token_key"]).select_related("user").first()
            if token is None or not services.token_revoke(actor=token.user, token_key=token.token_key):
                raise CommandError("No such token.")
            self.stdout.write("revoked")
