"""The models of partnerships, one module per part, all importable from here."""

# Old migrations name the storage and validators by their former place here (partnerships.models.PrivateStorage).
from config.files import PrivateStorage, validate_logo_size, validate_pdf

from .agreements import (
    Agreement,
    AgreementDocument,
    AgreementQuerySet,
    AgreementTransition,
    CooperationCondition,
    validate_academic_year,
)
from .partners import (
    ANY_AGREEMENT,
    Campus,
    Contact,
    IscedField,
    Partner,
    PartnerDomain,
    PartnerQuerySet,
    Unit,
    directory_url,
    unique_slug,
)
from .programs import JointProgram, JointProgramQuerySet, ResearchOutput, ResearchProject

__all__ = [
    "ANY_AGREEMENT",
    "Agreement",
    "AgreementDocument",
    "AgreementQuerySet",
    "AgreementTransition",
    "Campus",
    "Contact",
    "CooperationCondition",
    "IscedField",
    "JointProgram",
    "JointProgramQuerySet",
    "Partner",
    "PartnerDomain",
    "PartnerQuerySet",
    "PrivateStorage",
    "ResearchOutput",
    "ResearchProject",
    "Unit",
    "directory_url",
    "unique_slug",
    "validate_academic_year",
    "validate_logo_size",
    "validate_pdf",
]
