"""Errors of the control-plane side of clusters (instances on an OCM hub, accept/deny,
direct access, delivery). Each names what failed and the fix, in both languages."""

from __future__ import annotations

from ccseone_tui.domain.errors import CcseoneError


class NotAHub(CcseoneError):
    """The context answers, but it is not an Open Cluster Management hub."""

    key = "hub.not_a_hub"
    fix_key = "hub.not_a_hub.fix"


class HubBootstrapMissing(CcseoneError):
    """The hub serves ManagedClusters but has no bootstrap service account to mint join
    tokens from."""

    key = "hub.bootstrap_missing"
    fix_key = "hub.bootstrap_missing.fix"


class HubUnreachable(CcseoneError):
    """The hub did not answer: the cached picture is shown, writes wait for it."""

    key = "hub.unreachable"
    fix_key = "hub.unreachable.fix"


class HubCredentialsRejected(CcseoneError):
    """The hub answered 401/403 to ccseone's own credentials (expired or revoked token)."""

    key = "hub.credentials_rejected"
    fix_key = "hub.credentials_rejected.fix"


class HubContextMissing(CcseoneError):
    key = "hub.context_missing"
    fix_key = "hub.context_missing.fix"


class NoPendingRequest(CcseoneError):
    """Accept/deny found no join request (CSR) of the cluster to act on."""

    key = "hub.no_pending_csr"
    fix_key = "hub.no_pending_csr.fix"


class NotOnHub(CcseoneError):
    key = "hub.not_on_hub"
    fix_key = "hub.not_on_hub.fix"


class EngineUnsupported(CcseoneError):
    """The action belongs to another engine (e.g. accept on a ``local`` instance)."""

    key = "engine.unsupported"
    fix_key = "engine.unsupported.fix"


class DeliveryUnavailable(CcseoneError):
    """Delivering objects through this engine is not built yet."""

    key = "engine.delivery_unavailable"
    fix_key = "engine.delivery_unavailable.fix"


class ChangedElsewhere(CcseoneError):
    """A write to a hub object ccseone read earlier answered 409: another ccseone (or
    someone with kubectl) changed it since. Never overwritten silently."""

    key = "hub.changed_elsewhere"
    fix_key = "hub.changed_elsewhere.fix"


class WorkTooLarge(CcseoneError):
    """One target's objects do not fit in one ManifestWork (the hub's 500 KiB limit)."""

    key = "work.too_large"
    fix_key = "work.too_large.fix"


class RecordTooLarge(CcseoneError):
    """A shared record does not fit in one ConfigMap on the hub (the API server's 1 MiB)."""

    key = "hub.record_too_large"
    fix_key = "hub.record_too_large.fix"


class WorkDegraded(CcseoneError):
    """The member's work agent reported it could not apply objects of a ManifestWork;
    the message keeps its words per object."""

    key = "work.degraded"


class DirectAccessUnavailable(CcseoneError):
    """No way to talk to the member's own API server: no mapped context, no addon token."""

    key = "access.unavailable"
    fix_key = "access.unavailable.fix"
