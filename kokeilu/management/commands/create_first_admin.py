"""Create the first admin account with a generated password, once.

Prints the username and password a single time; when any superuser exists it does nothing,
so the password is never shown again and never fixed in code.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the first admin account (superuser) with a generated password, once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already; no new one was created.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        line = "=" * 60
        self.stdout.write(
            f"{line}\nCreated the admin account. Write this down, it is shown only once:\n"
            f"  username: {username}\n  password: {password}\n{line}"
        )
