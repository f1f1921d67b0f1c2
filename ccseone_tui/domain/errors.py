"""One error type per failure the user can act on (SPEC §6.1 and the Kubernetes API).

Every error carries an i18n key for its message and one for its fix, plus the parameters
that fill them, so the same error reads right in English and Chinese, in the TUI and in the
CLI. ``str(err)`` is the message and the fix in the current language.
"""

from __future__ import annotations

from typing import Any

from ccseone_tui.i18n import t


class CcseoneError(Exception):
    """Base of every error the user sees. Subclasses set ``key`` and usually ``fix_key``."""

    key = "error.generic"
    fix_key: str | None = None

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return t(self.key, **self.params)

    @property
    def fix(self) -> str | None:
        return t(self.fix_key, **self.params) if self.fix_key else None

    def __str__(self) -> str:
        fix = self.fix
        return f"{self.message} — {fix}" if fix else self.message

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "fix": self.fix,
            **{k: v for k, v in self.params.items() if isinstance(v, str | int | float | None)},
        }


class ValidationError(CcseoneError):
    """Bad input: names the field, the value, the rule and the fix."""

    key = "error.validation"
    fix_key = "error.validation.fix"

    def __init__(self, field: str, value: Any, rule: str, fix: str = "") -> None:
        super().__init__(field=field, value=value, rule=rule, hint=fix or rule)


class ReadOnlyMode(CcseoneError):
    key = "error.readonly"
    fix_key = "error.readonly.fix"


class DeletionProtected(CcseoneError):
    key = "error.deletion_protected"
    fix_key = "error.deletion_protected.fix"


class ConfirmationMismatch(CcseoneError):
    key = "error.confirmation_mismatch"
    fix_key = "error.confirmation_mismatch.fix"


class ConfirmationRequired(ConfirmationMismatch):
    """Nothing was typed for a production cluster: say what to type, and how on the CLI."""

    key = "error.confirmation_required"
    fix_key = "error.confirmation_required.fix"


class NotFound(CcseoneError):
    key = "error.not_found"


# ---- SPEC §6.1: the troubleshooting catalogue, one type per row -----------------------------


class NameNotCompliant(CcseoneError):
    key = "trouble.name_not_compliant"
    fix_key = "trouble.name_not_compliant.fix"


class NameExists(CcseoneError):
    key = "trouble.name_exists"
    fix_key = "trouble.name_exists.fix"


class ClusterAlreadyAssociated(CcseoneError):
    key = "trouble.already_associated"
    fix_key = "trouble.already_associated.fix"


class InstanceNotFound(CcseoneError):
    key = "trouble.instance_not_found"
    fix_key = "trouble.instance_not_found.fix"


class NotAControlInstance(CcseoneError):
    key = "trouble.not_an_instance"
    fix_key = "trouble.not_an_instance.fix"


class InstanceNotReady(CcseoneError):
    key = "trouble.instance_not_ready"
    fix_key = "trouble.instance_not_ready.fix"


class ClusterInfoFailed(CcseoneError):
    key = "trouble.cluster_info_failed"
    fix_key = "trouble.verbatim.fix"


class ClusterStatusAbnormal(CcseoneError):
    key = "trouble.cluster_status_abnormal"
    fix_key = "trouble.cluster_status_abnormal.fix"


class KubeconfigQueryFailed(CcseoneError):
    key = "trouble.kubeconfig_failed"
    fix_key = "trouble.verbatim.fix"


class VersionQueryFailed(CcseoneError):
    key = "trouble.version_failed"
    fix_key = "trouble.version_failed.fix"


class VersionUnsupported(CcseoneError):
    key = "trouble.version_unsupported"
    fix_key = "trouble.version_unsupported.fix"


# ---- Kubernetes -----------------------------------------------------------------------------


class KubeApiError(CcseoneError):
    """A Kubernetes API error, keeping HTTP status, reason and message verbatim."""

    key = "kube.api_error"

    def __init__(
        self,
        status: int,
        reason: str = "",
        message: str = "",
        cluster: str = "",
        retry_after: float | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.reason = reason
        self.api_message = message
        self.cluster = cluster
        self.retry_after = retry_after
        self.body = body or {}
        super().__init__(status=status, reason=reason, api_message=message, cluster=cluster)


class Unauthorized(KubeApiError):
    key = "kube.unauthorized"


class Forbidden(KubeApiError):
    key = "kube.forbidden"


class ResourceNotFound(KubeApiError):
    key = "kube.not_found"


class Conflict(KubeApiError):
    key = "kube.conflict"


class Invalid(KubeApiError):
    key = "kube.invalid"


class Gone(KubeApiError):
    """410: the resourceVersion asked for is too old; the caller re-lists."""

    key = "kube.gone"


class TooManyRequests(KubeApiError):
    key = "kube.too_many_requests"


class ClusterUnreachable(CcseoneError):
    """The API server did not answer (refused, DNS, TLS, timeout) within the deadline."""

    key = "kube.unreachable"
    fix_key = "kube.unreachable.fix"

    def __init__(self, cluster: str, cause: str, timeout: float | None = None) -> None:
        self.cluster = cluster
        self.cause = cause
        super().__init__(cluster=cluster, cause=cause, timeout=timeout)


class KubeconfigError(CcseoneError):
    """The kubeconfig file or context cannot be loaded."""

    key = "kube.kubeconfig_error"
    fix_key = "kube.kubeconfig_error.fix"


class ExecPluginFailed(KubeconfigError):
    """A kubeconfig ``exec`` credential plugin hung, failed or printed no ExecCredential:
    names the cluster, the command and the reason (exit code + stderr tail, timeout …)."""

    key = "kube.exec_failed"
    fix_key = "kube.exec_failed.fix"


_STATUS_TYPES: dict[int, type[KubeApiError]] = {
    401: Unauthorized,
    403: Forbidden,
    404: ResourceNotFound,
    409: Conflict,
    410: Gone,
    422: Invalid,
    429: TooManyRequests,
}


def api_error_for(
    status: int,
    body: dict[str, Any] | None,
    cluster: str = "",
    retry_after: float | None = None,
) -> KubeApiError:
    """Turn an HTTP status and a ``Status`` body into the matching typed error."""
    body = body or {}
    cls = _STATUS_TYPES.get(status, KubeApiError)
    return cls(
        status=status,
        reason=str(body.get("reason", "")),
        message=str(body.get("message", "")),
        cluster=cluster,
        retry_after=retry_after,
        body=body,
    )


# ---- create + register (§3.1.3.3, §3.1.3.4) and cluster delete (§3.1.3.6) ------------------


class RegistrationTokenInvalid(CcseoneError):
    """The pasted text is not a registration token; ``part`` says which step failed."""

    key = "register.token_invalid"
    fix_key = "register.token_invalid.fix"


class RegistrationTokenMismatch(CcseoneError):
    key = "register.token_mismatch"
    fix_key = "register.token_mismatch.fix"


class RegistrationTokenRejected(CcseoneError):
    """The member answered 401 to the token: expired, or its service account is gone."""

    key = "register.token_rejected"
    fix_key = "register.token_rejected.fix"


class RegistrationNotNeeded(CcseoneError):
    key = "register.not_needed"
    fix_key = "register.not_needed.fix"


class ClusterNotRegistered(CcseoneError):
    key = "register.not_registered"
    fix_key = "register.not_registered.fix"


class AppsStillDeployed(CcseoneError):
    key = "delete.apps_deployed"
    fix_key = "delete.apps_deployed.fix"
