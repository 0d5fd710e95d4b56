"""Checking an EWP document against the official schema of its API, read from settings.EWP_SCHEMAS_DIR."""

import re
from functools import cache

from django.conf import settings
from lxml import etree

SCHEMAS = {
    "iias-get": ("ewp-specs-api-iias-v7.0.0", "endpoints", "get-response.xsd"),
    "iias-index": ("ewp-specs-api-iias-v7.0.0", "endpoints", "index-response.xsd"),
    "institutions": ("ewp-specs-api-institutions-v2.2.0", "response.xsd"),
    "ounits": ("ewp-specs-api-ounits-v2.1.1", "response.xsd"),
    "factsheet": ("ewp-specs-api-factsheet-v1.2.0", "response.xsd"),
}


# The Institutions schema imports the registry's catalogue for one type, OtherHeiId (an identifier with its
# type), and the registry's schemas are not among the bundled ones: this stands in with that type alone.
REGISTRY_CATALOGUE = "ewp-specs-api-registry-v1.5.0/catalogue.xsd"
REGISTRY_STAND_IN = b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified"
    targetNamespace="https://github.com/erasmus-without-paper/ewp-specs-api-registry/tree/stable-v1">
  <xs:complexType name="OtherHeiId">
    <xs:simpleContent>
      <xs:extension base="xs:string"><xs:attribute name="type" type="xs:string" use="required"/></xs:extension>
    </xs:simpleContent>
  </xs:complexType>
</xs:schema>"""


RAW = re.compile(
    r"^https://raw\.githubusercontent\.com/erasmus-without-paper/(?P<repo>[a-z-]+)/stable-v(?P<major>\d+)/(?P<file>.+)$"
)


class _OfflineResolver(etree.Resolver):
    """Some schemas import others by their address on GitHub: those are read from the bundled copies instead."""

    def resolve(self, system_url, public_id, context):
        if system_url.endswith(REGISTRY_CATALOGUE):
            return self.resolve_string(REGISTRY_STAND_IN, context)
        match = RAW.match(system_url or "")
        if match:
            prefix = f"{match['repo']}-v{match['major']}."
            schemas = settings.EWP_SCHEMAS_DIR / "schemas"
            for folder in sorted(schemas.iterdir()):
                if folder.name.startswith(prefix) and (folder / match["file"]).is_file():
                    return self.resolve_filename(str(folder / match["file"]), context)
        return None


@cache
def schema(name: str) -> etree.XMLSchema:
    """The compiled schema (imports are relative, so nothing is fetched from the network)."""
    path = settings.EWP_SCHEMAS_DIR.joinpath("schemas", *SCHEMAS[name])
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_OfflineResolver())
    return etree.XMLSchema(etree.parse(str(path), parser))


def schema_errors(document: bytes, name: str) -> list[str]:
    """What the schema `name` finds wrong in the document, one line each (empty when it validates)."""
    checker = schema(name)
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    if checker.validate(etree.fromstring(document, parser)):
        return []
    return [f"{error.line}: {error.message}" for error in checker.error_log]
