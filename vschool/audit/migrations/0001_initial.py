# AuditEntry moved here from accounts. The table accounts_auditentry already exists,
# created by accounts' migrations (on a new database too), so this migration only
# adds the model to the audit app's state; accounts 0003 removes it from accounts'.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_auditentry_to_audit'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('username', models.CharField(blank=True, max_length=150)),
                        ('role', models.CharField(blank=True, max_length=16)),
                        ('action', models.CharField(choices=[('viewed', 'Viewed'), ('created', 'Created'), ('changed', 'Changed'), ('deleted', 'Deleted'), ('exported', 'Exported'), ('imported', 'Imported'), ('signed_in', 'Signed in'), ('signed_out', 'Signed out'), ('sign_in_failed', 'Failed sign-in'), ('permission_changed', 'Permission changed')], db_index=True, max_length=24)),
                        ('object_type', models.CharField(blank=True, max_length=64)),
                        ('object_id', models.CharField(blank=True, max_length=64)),
                        ('child_id', models.BigIntegerField(blank=True, db_index=True, null=True)),
                        ('summary', models.CharField(blank=True, max_length=500)),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_entries', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'audit entries',
                        'db_table': 'accounts_auditentry',
                        'ordering': ['-at', '-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
