from django.core.management.base import BaseCommand

from qorgau.stats.refresh import rebuild


class Command(BaseCommand):
    help = "Statistics: `stats refresh` rebuilds the de-identified facts from consented cases."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])

    def handle(self, *args, **options):
        refresh = rebuild()
        self.stdout.write(
            f"{refresh.incidents_counted} incidents counted ({refresh.duplicates} duplicates), {refresh.facts} facts"
        )
