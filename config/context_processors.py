from django.utils.functional import SimpleLazyObject

from .models import HomeInstitution


def home_institution(request):
    """The home university for the footer; queried once, and only by pages that show it."""
    return {"home_institution": SimpleLazyObject(HomeInstitution.objects.current)}
