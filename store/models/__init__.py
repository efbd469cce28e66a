"""Typed SQLAlchemy models of every business record Baton keeps."""

from store.models.alerts import Alert, AlertRuleSetting, RiskScan
from store.models.audit import AuditEntry
from store.models.auth import AuthToken, LoginFailure
from store.models.base import Base
from store.models.commission import (
    CommissionAdjustment,
    CommissionDispute,
    CommissionLine,
    CommissionPlan,
    CommissionSettlement,
    CommissionStatement,
)
from store.models.customers import (
    Complaint,
    Customer,
    CustomerContact,
    ImportJob,
    Interaction,
    OwnershipChange,
    TeamRule,
)
from store.models.ids import ActionFence, IdFloor
from store.models.offboarding import ExperienceNote, HandoverItem, Offboarding, OffboardingReview, Reassignment
from store.models.orders import CapacityDay, CapacityReservation, Order, OrderLine, Payment, Service
from store.models.org import Department, Employee, Setting, Team
from store.models.policies import DeadlinePolicyRow, Delegation
from store.models.work import Attachment, Notification, NotificationDelivery, Task, TaskExclusion

__all__ = [
    "ActionFence",
    "Alert",
    "AlertRuleSetting",
    "Attachment",
    "AuditEntry",
    "AuthToken",
    "Base",
    "CapacityDay",
    "CapacityReservation",
    "CommissionAdjustment",
    "CommissionDispute",
    "CommissionLine",
    "CommissionPlan",
    "CommissionSettlement",
    "CommissionStatement",
    "Complaint",
    "Customer",
    "CustomerContact",
    "DeadlinePolicyRow",
    "Delegation",
    "Department",
    "Employee",
    "ExperienceNote",
    "HandoverItem",
    "IdFloor",
    "ImportJob",
    "Interaction",
    "LoginFailure",
    "Notification",
    "NotificationDelivery",
    "Offboarding",
    "OffboardingReview",
    "Order",
    "OrderLine",
    "OwnershipChange",
    "Payment",
    "Reassignment",
    "RiskScan",
    "Service",
    "Setting",
    "Task",
    "TaskExclusion",
    "Team",
    "TeamRule",
]
