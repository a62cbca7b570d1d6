# AuditEntry moved to the audit app (vschool.audit), which keeps the table
# accounts_auditentry: only the migration state changes, no rows move.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_alter_auditentry_action'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='AuditEntry')],
            database_operations=[],
        ),
    ]
