import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from partnerships.models import HomeInstitution


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@kopir.example")
    full_name = factory.Faker("name")
    role = User.Role.STUDENT
    language = "en"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    role = User.Role.STAFF


class HomeInstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeInstitution
        django_get_or_create = ("singleton",)

    singleton = True
    name_en = "M. Auezov South Kazakhstan University"
    name_ru = "Южно-Казахстанский университет имени М. Ауэзова"
    name_kk = "М. Әуезов атындағы Оңтүстік Қазақстан университеті"
    name_zh_hans = "M. 奥埃佐夫南哈萨克斯坦大学"
    postcode = "160012"
    city_en = "Shymkent"
    address_en = "Tauke khan avenue, 5"
    phone = "(8-725-2) 21-01-41"
    email = "canselyarya@mail.ru"
    info_email = "info@auezov.edu.kz"
