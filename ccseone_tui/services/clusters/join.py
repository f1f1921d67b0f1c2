"""Local-engine registration material (SPEC §3.1.3.4): the join snippet the user runs on the
member cluster, the one-line registration token it prints, and the kubeconfig ccseone writes
from that token. Pure functions, no I/O.

The token is ``base64(compact JSON)`` of ``{"v":1,"cluster","server","ca","token","issued"}``
so a user can copy it as one line from any terminal; it carries a live bearer token, so
nothing here ever puts it in a ``repr``, a log line or an error message.
"""

from __future__ import annotations

import base64
import binascii
import json
import shlex
from dataclasses import dataclass, field
from typing import Any

from ccseone_tui.domain.errors import RegistrationTokenInvalid
from ccseone_tui.domain.validation import is_compliant_name

NAMESPACE = "ccseone-system"
SERVICE_ACCOUNT = "ccseone-agent"
MANAGED_BY = "app.kubernetes.io/managed-by=ccseone"
CLUSTER_LABEL = "ccseone.io/cluster"
TOKEN_DURATION = "8760h"  # one year: long enough for a registration, still expiring
TOKEN_VERSION = 1


def binding_name(cluster: str) -> str:
    return f"{SERVICE_ACCOUNT}-{cluster}"


@dataclass(frozen=True, slots=True)
class RegistrationToken:
    cluster: str
    server: str
    ca: str = ""  # base64 PEM of the member's CA, empty: the system trust store
    token: str = field(default="", repr=False)  # the bearer token: never shown
    issued: int = 0  # epoch seconds on the member when the token was minted

    def encode(self) -> str:
        doc = {"v": TOKEN_VERSION, "cluster": self.cluster, "server": self.server,
               "ca": self.ca, "token": self.token, "issued": self.issued}
        return base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()

    @classmethod
    def decode(cls, text: str) -> RegistrationToken:
        """Parse a pasted token; ``RegistrationTokenInvalid`` names the part that failed
        (never quoting the text: it may be a real token with one character missing)."""
        compact = "".join(text.split())  # terminals wrap long lines; copies add newlines
        if not compact:
            raise RegistrationTokenInvalid(part="input", error="empty")
        # accept the URL-safe alphabet and missing padding too (chat tools mangle both)
        compact = compact.replace("-", "+").replace("_", "/").rstrip("=")
        try:
            raw = base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise RegistrationTokenInvalid(part="base64", error=str(exc)) from None
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise RegistrationTokenInvalid(part="JSON", error=type(exc).__name__) from None
        if not isinstance(doc, dict):
            raise RegistrationTokenInvalid(part="JSON", error="not an object")
        if doc.get("v") != TOKEN_VERSION:
            raise RegistrationTokenInvalid(part="field 'v'",
                                           error=f"version {doc.get('v')!r}, expected 1")
        values: dict[str, Any] = {}
        for name in ("cluster", "server", "ca", "token"):
            value = doc.get(name, "" if name == "ca" else None)
            if not isinstance(value, str) or (name != "ca" and not value):
                raise RegistrationTokenInvalid(part=f"field {name!r}", error="missing or empty")
            values[name] = value
        if not is_compliant_name(values["cluster"]):
            raise RegistrationTokenInvalid(part="field 'cluster'", error="not a cluster name")
        if not values["server"].startswith(("https://", "http://")):
            raise RegistrationTokenInvalid(part="field 'server'", error="not an http(s) URL")
        if values["ca"]:
            try:
                base64.b64decode(values["ca"], validate=True)
            except (binascii.Error, ValueError):
                raise RegistrationTokenInvalid(part="field 'ca'", error="not base64") from None
        issued = doc.get("issued", 0)
        if not isinstance(issued, int) or isinstance(issued, bool):
            raise RegistrationTokenInvalid(part="field 'issued'", error="not epoch seconds")
        return cls(issued=issued, **values)


def registration_kubeconfig(cluster: str, server: str, token: RegistrationToken
                            ) -> dict[str, Any]:
    """The single-context kubeconfig ccseone keeps (0600) for a registered cluster; the
    context is named after the cluster."""
    entry: dict[str, Any] = {"server": server}
    if token.ca:
        entry["certificate-authority-data"] = token.ca
    user = f"{SERVICE_ACCOUNT}@{cluster}"
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "current-context": cluster,
        "clusters": [{"name": cluster, "cluster": entry}],
        "users": [{"name": user, "user": {"token": token.token}}],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": user}}],
    }


def member_cleanup_commands(cluster: str) -> list[str]:
    """What the user runs on the member when ccseone cannot clean up itself."""
    return [
        f"kubectl delete clusterrolebinding {shlex.quote(binding_name(cluster))} "
        "--ignore-not-found",
        f"kubectl delete namespace {NAMESPACE} --ignore-not-found",
    ]


def join_snippet(cluster: str) -> str:
    """A self-contained POSIX ``sh`` snippet (kubectl, base64 and tr only) for the member's
    console. Everything but the last line goes to stderr, so ``$(sh join.sh)`` or a copy of
    the terminal's last line is exactly the registration token."""
    name = shlex.quote(cluster)  # validated already; quoting keeps the snippet safe anyway
    binding = binding_name(cluster)
    return f"""\
# ccseone join command for cluster {cluster}: run it where kubectl reaches that cluster
# (its current context) as a cluster admin. It creates, labelled {MANAGED_BY}:
#   Namespace           {NAMESPACE}
#   ServiceAccount      {NAMESPACE}/{SERVICE_ACCOUNT}
#   ClusterRoleBinding  {binding} -> ClusterRole cluster-admin
# then mints a token for the service account, valid {TOKEN_DURATION} (TokenRequest API), and
# prints one line, the registration token: paste it into ccseone (clusters register {cluster}).
# Running it again is safe: it applies the same objects and mints a new token.
set -eu
CLUSTER={name}
kubectl apply --server-side --field-manager=ccseone-join -f - >&2 <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: {NAMESPACE}
  labels:
    app.kubernetes.io/managed-by: ccseone
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {SERVICE_ACCOUNT}
  namespace: {NAMESPACE}
  labels:
    app.kubernetes.io/managed-by: ccseone
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {binding}
  labels:
    app.kubernetes.io/managed-by: ccseone
    {CLUSTER_LABEL}: {cluster}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- kind: ServiceAccount
  name: {SERVICE_ACCOUNT}
  namespace: {NAMESPACE}
EOF
TOKEN=$(kubectl create token {SERVICE_ACCOUNT} -n {NAMESPACE} --duration={TOKEN_DURATION})
# --flatten inlines a CA given as a file path; --raw keeps the CA data instead of redacting it
SERVER=$(kubectl config view --minify --raw --flatten -o jsonpath='{{.clusters[0].cluster.server}}')
CA=$(kubectl config view --minify --raw --flatten \\
  -o jsonpath='{{.clusters[0].cluster.certificate-authority-data}}')
ISSUED=$(date +%s)  # epoch seconds (POSIX.1-2024 date; GNU, BSD and BusyBox have it)
printf '{{"v":1,"cluster":"%s","server":"%s","ca":"%s","token":"%s","issued":%s}}' \\
  "$CLUSTER" "$SERVER" "$CA" "$TOKEN" "$ISSUED" | base64 | tr -d '\\n'
echo
"""
