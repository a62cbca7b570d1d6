from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vschool.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self) -> None:
        from vschool.accounts import checks, signals  # noqa: F401
