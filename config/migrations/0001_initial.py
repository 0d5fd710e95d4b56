"""The home university moves here from partnerships: its tables are renamed by partnerships' migration 0008,
so this one only tells Django that the models are now config's."""

import config.files
import django.core.validators
import django.db.models.deletion
import django_countries.fields
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalHomeInstitution',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('singleton', models.BooleanField(default=True, editable=False)),
                        ('name', models.CharField(max_length=255, verbose_name='name')),
                        ('name_kk', models.CharField(max_length=255, null=True, verbose_name='name')),
                        ('name_ru', models.CharField(max_length=255, null=True, verbose_name='name')),
                        ('name_en', models.CharField(max_length=255, null=True, verbose_name='name')),
                        ('name_zh_hans', models.CharField(max_length=255, null=True, verbose_name='name')),
                        ('short_name', models.CharField(blank=True, max_length=100, verbose_name='short name')),
                        ('short_name_kk', models.CharField(blank=True, max_length=100, null=True, verbose_name='short name')),
                        ('short_name_ru', models.CharField(blank=True, max_length=100, null=True, verbose_name='short name')),
                        ('short_name_en', models.CharField(blank=True, max_length=100, null=True, verbose_name='short name')),
                        ('short_name_zh_hans', models.CharField(blank=True, max_length=100, null=True, verbose_name='short name')),
                        ('welcome', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', verbose_name='welcome text')),
                        ('welcome_kk', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', null=True, verbose_name='welcome text')),
                        ('welcome_ru', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', null=True, verbose_name='welcome text')),
                        ('welcome_en', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', null=True, verbose_name='welcome text')),
                        ('welcome_zh_hans', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', null=True, verbose_name='welcome text')),
                        ('postcode', models.CharField(blank=True, max_length=20, verbose_name='postcode')),
                        ('city', models.CharField(blank=True, max_length=100, verbose_name='city')),
                        ('city_kk', models.CharField(blank=True, max_length=100, null=True, verbose_name='city')),
                        ('city_ru', models.CharField(blank=True, max_length=100, null=True, verbose_name='city')),
                        ('city_en', models.CharField(blank=True, max_length=100, null=True, verbose_name='city')),
                        ('city_zh_hans', models.CharField(blank=True, max_length=100, null=True, verbose_name='city')),
                        ('address', models.CharField(blank=True, max_length=255, verbose_name='street address')),
                        ('address_kk', models.CharField(blank=True, max_length=255, null=True, verbose_name='street address')),
                        ('address_ru', models.CharField(blank=True, max_length=255, null=True, verbose_name='street address')),
                        ('address_en', models.CharField(blank=True, max_length=255, null=True, verbose_name='street address')),
                        ('address_zh_hans', models.CharField(blank=True, max_length=255, null=True, verbose_name='street address')),
                        ('country', django_countries.fields.CountryField(default='KZ', max_length=2, verbose_name='country')),
                        ('phone_label', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, verbose_name='phone label')),
                        ('phone_label_kk', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, null=True, verbose_name='phone label')),
                        ('phone_label_ru', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, null=True, verbose_name='phone label')),
                        ('phone_label_en', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, null=True, verbose_name='phone label')),
                        ('phone_label_zh_hans', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, null=True, verbose_name='phone label')),
                        ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='chancellery email')),
                        ('info_email', models.EmailField(blank=True, max_length=254, verbose_name='information email')),
                        ('staff_email_domains', models.CharField(blank=True, help_text='Comma-separated, e.g. auezov.edu.kz. Faculty members sign up with an address at one of these domains; without one, only students can sign up.', max_length=255, verbose_name='university email domains')),
                        ('international_office_email', models.EmailField(blank=True, help_text="Shown on partner pages as the office's contact.", max_length=254, verbose_name='international office email')),
                        ('international_office_phone', models.CharField(blank=True, max_length=50, verbose_name='international office phone')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('logo', models.TextField(blank=True, help_text='PNG, JPEG or WebP, at most 2 MB.', max_length=100, validators=[django.core.validators.FileExtensionValidator(['png', 'jpg', 'jpeg', 'webp']), config.files.validate_logo_size], verbose_name='logo')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical home university',
                        'verbose_name_plural': 'historical home university',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HomeInstitution',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('singleton', models.BooleanField(default=True, editable=False)),
                        ('name', models.CharField(max_length=255, verbose_name='name')),
                        ('name_kk', models.CharField(max_length=255, null=True, verbose_name='name')),
                        ('name_ru', models.CharField(max_length=255, null=True, verbose_name='name')),
                        ('name_en', models.CharField(max_length=255, null=True, verbose_name='name')),
                        ('name_zh_hans', models.CharField(max_length=255, null=True, verbose_name='name')),
                        ('short_name', models.CharField(blank=True, max_length=100, verbose_name='short name')),
                        ('short_name_kk', models.CharField(blank=True, max_length=100, null=True, verbose_name='short name')),
                        ('short_name_ru', models.CharField(blank=True, max_length=100, null=True, verbose_name='short name')),
                        ('short_name_en', models.CharField(blank=True, max_length=100, null=True, verbose_name='short name')),
                        ('short_name_zh_hans', models.CharField(blank=True, max_length=100, null=True, verbose_name='short name')),
                        ('welcome', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', verbose_name='welcome text')),
                        ('welcome_kk', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', null=True, verbose_name='welcome text')),
                        ('welcome_ru', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', null=True, verbose_name='welcome text')),
                        ('welcome_en', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', null=True, verbose_name='welcome text')),
                        ('welcome_zh_hans', models.TextField(blank=True, help_text='One or two sentences on the home page about international cooperation.', null=True, verbose_name='welcome text')),
                        ('postcode', models.CharField(blank=True, max_length=20, verbose_name='postcode')),
                        ('city', models.CharField(blank=True, max_length=100, verbose_name='city')),
                        ('city_kk', models.CharField(blank=True, max_length=100, null=True, verbose_name='city')),
                        ('city_ru', models.CharField(blank=True, max_length=100, null=True, verbose_name='city')),
                        ('city_en', models.CharField(blank=True, max_length=100, null=True, verbose_name='city')),
                        ('city_zh_hans', models.CharField(blank=True, max_length=100, null=True, verbose_name='city')),
                        ('address', models.CharField(blank=True, max_length=255, verbose_name='street address')),
                        ('address_kk', models.CharField(blank=True, max_length=255, null=True, verbose_name='street address')),
                        ('address_ru', models.CharField(blank=True, max_length=255, null=True, verbose_name='street address')),
                        ('address_en', models.CharField(blank=True, max_length=255, null=True, verbose_name='street address')),
                        ('address_zh_hans', models.CharField(blank=True, max_length=255, null=True, verbose_name='street address')),
                        ('country', django_countries.fields.CountryField(default='KZ', max_length=2, verbose_name='country')),
                        ('phone_label', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, verbose_name='phone label')),
                        ('phone_label_kk', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, null=True, verbose_name='phone label')),
                        ('phone_label_ru', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, null=True, verbose_name='phone label')),
                        ('phone_label_en', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, null=True, verbose_name='phone label')),
                        ('phone_label_zh_hans', models.CharField(blank=True, help_text='Whose phone it is, e.g. «Chancellery».', max_length=100, null=True, verbose_name='phone label')),
                        ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='chancellery email')),
                        ('info_email', models.EmailField(blank=True, max_length=254, verbose_name='information email')),
                        ('staff_email_domains', models.CharField(blank=True, help_text='Comma-separated, e.g. auezov.edu.kz. Faculty members sign up with an address at one of these domains; without one, only students can sign up.', max_length=255, verbose_name='university email domains')),
                        ('international_office_email', models.EmailField(blank=True, help_text="Shown on partner pages as the office's contact.", max_length=254, verbose_name='international office email')),
                        ('international_office_phone', models.CharField(blank=True, max_length=50, verbose_name='international office phone')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('logo', models.ImageField(blank=True, help_text='PNG, JPEG or WebP, at most 2 MB.', upload_to='home/', validators=[django.core.validators.FileExtensionValidator(['png', 'jpg', 'jpeg', 'webp']), config.files.validate_logo_size], verbose_name='logo')),
                    ],
                    options={
                        'verbose_name': 'home university',
                        'verbose_name_plural': 'home university',
                        'constraints': [models.UniqueConstraint(fields=('singleton',), name='home_institution_single_row'), models.CheckConstraint(condition=models.Q(('singleton', True)), name='home_institution_singleton_true')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
