"""Organisations, service needs, staffing plans, allocation line items, resource pools,
figures declared by source documents and capacity rule sets. ``from staffing.models import X``
names them all."""

from .allocations import (
    FTE_FIELD,
    FTE_MAX,
    FTE_RANGE_MESSAGE,
    PART_ABOVE_LINE_MESSAGE,
    PART_LABEL_MESSAGE,
    PART_WITHIN_LINE,
    Allocation,
    AllocationPart,
    fte_range,
)
from .capacity import CapacityRuleSet, ScenarioAssumptions
from .declared import DeclaredFigure
from .organisations import Organisation, PilotOrganisation, ServiceNeed
from .plans import ResourcePool, StaffingPlan

__all__ = [
    "FTE_FIELD",
    "FTE_MAX",
    "FTE_RANGE_MESSAGE",
    "PART_ABOVE_LINE_MESSAGE",
    "PART_LABEL_MESSAGE",
    "PART_WITHIN_LINE",
    "Allocation",
    "AllocationPart",
    "CapacityRuleSet",
    "DeclaredFigure",
    "Organisation",
    "PilotOrganisation",
    "ResourcePool",
    "ScenarioAssumptions",
    "ServiceNeed",
    "StaffingPlan",
    "fte_range",
]
