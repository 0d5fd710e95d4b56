"""The `iia-hash` of an inter-institutional agreement, as IIA v7 defines it.

The official v7 stylesheet (XSLT 2.0, run by Saxon) turns each `<iia>` of an `iias-get-response` into its
`text-to-hash`; the hash is the SHA-256 of that text, in lowercase hex.
"""

import hashlib
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from lxml import etree

STYLESHEET = ("iias-v7", "transform_version_7.xsl")


@dataclass(frozen=True)
class HashedIia:
    iia_id: str
    text_to_hash: str
    iia_hash: str
    # False when the document still carries v6 leftovers (not-yet-defined or v6-value): it cannot be approved.
    valid_for_approval: bool


@cache
def _stylesheet():
    # Imported here: the Saxon processor is large and only the exchange needs it.
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    path = settings.EWP_SCHEMAS_DIR.joinpath(*STYLESHEET)
    executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_text=path.read_text("utf-8"))
    return processor, executable


def hash_iias(xml_bytes: bytes) -> list[HashedIia]:
    """Every `<iia>` of an `iias-get-response` document with its text-to-hash and hash, in document order."""
    processor, executable = _stylesheet()
    document = processor.parse_xml(xml_text=xml_bytes.decode("utf-8"))
    output = executable.transform_to_string(xdm_node=document)
    results = []
    for iia in etree.fromstring(output.encode("utf-8")).iter("iia"):
        text = iia.findtext("text-to-hash") or ""
        results.append(
            HashedIia(
                iia_id=iia.findtext("iia-id") or "",
                text_to_hash=text,
                iia_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                valid_for_approval=(iia.findtext("valid-for-approval") or "true").strip() != "false",
            )
        )
    return results


def iia_hash(xml_bytes: bytes) -> str:
    """The iia-hash of the (first) agreement of an `iias-get-response` document."""
    return hash_iias(xml_bytes)[0].iia_hash
