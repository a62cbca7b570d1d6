"""Print a link for a user to set up two-factor authentication (and a first password).

vschool enrolment_link USERNAME

For the first head, made with `createsuperuser`, or anyone when no head can sign in;
otherwise the head gives links from the Users page.
"""

from django.core.management.base import BaseCommand, CommandError

from vschool.accounts.models import User
from vschool.accounts.services import enrolment_link_create


class Command(BaseCommand):
    help = "Print a single-use link for a user to set up their sign-in and authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user called {username!r}.")
        self.stdout.write(enrolment_link_create(by=None, request=None, user=user))
