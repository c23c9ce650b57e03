from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.models import User
from motcua.accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print its secret once (only a digest is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the user the token acts as")
        parser.add_argument("name", help="what the token is for, e.g. 'LGSP' or 'Cổng DVCQG'")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng đang hoạt động tên {options['username']!r}.")
        token, secret = api_token_create(user=user, name=options["name"], actor=user)
        self.stdout.write(f"Mã truy cập {token.name!r} cho {user.username} (chỉ hiển thị một lần):")
        self.stdout.write(secret)
