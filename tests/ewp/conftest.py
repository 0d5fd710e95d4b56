import pytest

from partnerships import demo as partnerships_demo
from partnerships.models import Agreement


@pytest.fixture
def mou(office):
    """The demo's memorandum with Xinjiang University (xju.edu.cn): studies and staff teaching both ways."""
    partnerships_demo.seed()
    partnerships_demo.seed_xinjiang(coordinator=office)
    return Agreement.objects.get(reference_number="MoU-XJU-2025")


@pytest.fixture
def xju_demo(db, office):
    """The demo's home university (with its units and factsheet) and Xinjiang University with its memorandum."""
    partnerships_demo.seed(by=office)
    partnerships_demo.seed_xinjiang(coordinator=office)
    return Agreement.objects.get(reference_number="MoU-XJU-2025")
