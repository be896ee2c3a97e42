"""`qorgau create-sysadmin USERNAME --region 71`: the first system administrator of a new installation.

Creates the platform operator agency if there is none and prints a temporary password; the person
sets up two-factor sign-in and a new password at first sign-in.
"""

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qorgau.accounts.models import Agency, User, UserRole
from qorgau.accounts.roles import Role
from qorgau.core.audit import audit_record
from qorgau.core.models import Region


class Command(BaseCommand):
    help = "Create a system administrator (and the operator agency if missing)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--region", default="71", help="region code of the operator agency")

    @transaction.atomic
    def handle(self, *args, username, region, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        if not Region.objects.filter(code=region).exists():
            raise CommandError(f"Unknown region code {region!r}.")
        operator = Agency.objects.filter(kind=Agency.Kind.OPERATOR).first() or Agency.objects.create(
            kind=Agency.Kind.OPERATOR,
            region_id=region,
            name_kk="Qorgau платформасының операторы",
            name_ru="Оператор платформы Qorgau",
            name_en="Qorgau Platform Operator",
        )
        password = secrets.token_urlsafe(15)
        user = User(username=username, agency=operator, must_change_password=True)
        user.set_password(password)
        user.save()
        UserRole.objects.create(user=user, role=Role.SYSTEM_ADMIN)
        audit_record(actor=None, action="user.create", obj=user, detail={"roles": [Role.SYSTEM_ADMIN.value]})
        self.stdout.write(f"System administrator {username} created. Temporary password: {password}")
