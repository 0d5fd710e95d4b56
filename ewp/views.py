"""EWP-shaped endpoints for partners' systems: the IIA index and get, Institutions, OUnits and Factsheet, each
served only while its document validates. Behind API tokens with the `ewp` scope (not yet the EWP network)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from api import docs
from api.permissions import ReadsEwp
from api.views import PrivateView

from . import iia, institution, services

TAG = "Erasmus Without Paper"
IIA_ID = r"^[!-~]{1,64}$"
IIA_PATH = OpenApiParameter(
    "iia_id",
    {"type": "string", "pattern": IIA_ID},
    OpenApiParameter.PATH,
    description="Our iia-id of the agreement, as the index lists it.",
)


class XmlRenderer(BaseRenderer):
    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class EwpView(PrivateView):
    """An EWP document (XML) to a token with the ewp scope; refusals stay JSON like the rest of the API."""

    permission_classes = [ReadsEwp]
    not_offered = gettext_lazy("This document is not offered yet: it does not validate against the EWP schema.")

    def document(self) -> bytes:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        document = self.document()
        request.accepted_renderer, request.accepted_media_type = XmlRenderer(), XmlRenderer.media_type
        return Response(document, content_type="application/xml; charset=utf-8")

    def valid(self, export) -> bytes:
        if export.problems:
            raise NotFound(str(self.not_offered), code="not_offered")
        return export.document


@docs.private_xml(
    "EWP IIA index",
    "The iia-ids of the agreements offered to partners (marked ready to exchange and validating), as an IIA v7 "
    "`iias-index-response`.",
    scope="ewp",
    tag=TAG,
    operation_id="ewp_iia_index",
)
class IiaIndex(EwpView):
    def document(self):
        return iia.build_iias_index(services.offered_agreements())


@docs.private_xml(
    "EWP IIA get",
    "One offered agreement as an IIA v7 `iias-get-response`, with its `iia-hash`.",
    scope="ewp",
    tag=TAG,
    operation_id="ewp_iia_get",
    path=[IIA_PATH],
)
class IiaGet(EwpView):
    def document(self):
        wanted = self.kwargs["iia_id"]
        for agreement in services.offered_agreements():
            if iia.our_iia_id(agreement) == wanted:
                return iia.build_iias_response([agreement])
        raise NotFound(_("No agreement offered to partners has this iia-id."), code="not_found")


@docs.private_xml(
    "EWP institution",
    "Our university as an Institutions v2 `institutions-response`: names in every language, address, units.",
    scope="ewp",
    tag=TAG,
    operation_id="ewp_institutions",
)
class Institutions(EwpView):
    def document(self):
        return self.valid(institution.build_institutions())


@docs.private_xml(
    "EWP organisational units",
    "Our organisational units as an OUnits v2 `ounits-response`.",
    scope="ewp",
    tag=TAG,
    operation_id="ewp_ounits",
)
class OUnits(EwpView):
    def document(self):
        return self.valid(institution.build_ounits())


@docs.private_xml(
    "EWP factsheet",
    "Our factsheet as a Factsheet v1.2 `factsheet-response`: calendar, application info and requirements, "
    "housing, visa and insurance.",
    scope="ewp",
    tag=TAG,
    operation_id="ewp_factsheet",
)
class Factsheet(EwpView):
    def document(self):
        return self.valid(institution.build_factsheet())
