import uuid

from django.db import migrations, models


def first_revision(apps, schema_editor):
    apps.get_model("core", "Revision").objects.create(pk=1, number=0, epoch=uuid.uuid4().hex)



class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_submission'),
    ]

    operations = [
        migrations.CreateModel(
            name='Revision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.BigIntegerField(default=0, verbose_name='number')),
                ('epoch', models.CharField(max_length=32, verbose_name='epoch')),
            ],
            options={
                'verbose_name': 'database revision',
                'verbose_name_plural': 'database revisions',
            },
        ),
        migrations.RunPython(first_revision, migrations.RunPython.noop),
    ]
