"""What an app applies to one target, as data: labels, namespace, apply order, and how a
revision stores its rendered manifests.

A revision's ``manifests`` column holds a JSON object ``{"cluster/namespace": "<multi-doc
YAML>"}``: one text per target, exactly what was applied there (namespace filled in, the app's
name and instance labels set) except the revision label, which changes every revision and is
added at apply time — so Compare shows only real changes, and a rollback re-applies the very
text of the earlier revision even if the chart repository is gone.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import yaml

from ccseone_tui.domain import safe_yaml
from ccseone_tui.domain.apps import LABEL_INSTANCE, LABEL_NAME, LABEL_REVISION

# libyaml when present: revisions of 50 targets are dumped and read back on every rollout
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_TOP = re.compile(r"^(apiVersion|kind): *(\S+) *$", re.MULTILINE)

# Kubernetes' built-in cluster-scoped kinds: used when a target cannot be asked (unreachable
# while rendering for Compare or for a deferred target); discovery decides otherwise.
CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "StorageClass", "CustomResourceDefinition",
    "ClusterRole", "ClusterRoleBinding", "PriorityClass", "IngressClass", "APIService",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "RuntimeClass",
    "CSIDriver", "CSINode", "VolumeAttachment", "CertificateSigningRequest",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "FlowSchema",
    "PriorityLevelConfiguration",
})
CRD = "CustomResourceDefinition"


def object_key(obj: dict[str, Any]) -> tuple[str, str, str]:
    """(kind, namespace, name): how two revisions pair an object."""
    meta = obj.get("metadata") or {}
    return str(obj.get("kind")), str(meta.get("namespace") or ""), str(meta.get("name"))


def object_label(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    return f"{obj.get('kind')}/{meta.get('name')}"


def crd_scopes(objects: list[dict[str, Any]]) -> dict[tuple[str, str], bool]:
    """(group, kind) → namespaced, for the CRDs the release itself defines."""
    out: dict[tuple[str, str], bool] = {}
    for obj in objects:
        if obj.get("kind") == CRD:
            spec = obj.get("spec") or {}
            kind = (spec.get("names") or {}).get("kind")
            if kind:
                out[(str(spec.get("group")), str(kind))] = spec.get("scope") != "Cluster"
    return out


def group_of(api_version: str) -> str:
    return api_version.rpartition("/")[0]


_POD_TEMPLATE_PATHS = {
    "Deployment": ("spec", "template"), "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"), "ReplicaSet": ("spec", "template"),
    "Job": ("spec", "template"), "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


def _label_pod_template(obj: dict[str, Any], labels: dict[str, str]) -> None:
    path = _POD_TEMPLATE_PATHS.get(str(obj.get("kind")))
    node: Any = obj
    for key in path or ():
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict):
        meta = node.setdefault("metadata", {})
        meta["labels"] = {**(meta.get("labels") or {}), **labels}


def prepare(objects: list[dict[str, Any]], *, app: str, instance: str, namespace: str,
            namespaced: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """Copies of ``objects`` with the target namespace filled in where the kind is namespaced
    (an explicit namespace in the template is kept) and the app's name/instance labels set.
    They go on ``metadata.labels`` and, for workloads, on the pod template too — that is how
    the app's pods are found for its logs across clusters; they never change between
    revisions, so they restart nothing. The revision label stays off pod templates: it
    would restart every pod on each revision."""
    out = []
    for src in objects:
        obj = copy.deepcopy(src)
        meta = dict(obj.get("metadata") or {})
        ns = (meta.pop("namespace", None) or namespace) if namespaced(obj) else None
        labels = {**(meta.pop("labels", None) or {}), LABEL_NAME: app, LABEL_INSTANCE: instance}
        # name, namespace, labels first: how kubectl shows them, and what the diff reads best
        head = {"name": meta.pop("name", None)}
        if ns:
            head["namespace"] = ns
        obj["metadata"] = {**head, "labels": labels, **meta}
        _label_pod_template(obj, {LABEL_NAME: app, LABEL_INSTANCE: instance})
        out.append(obj)
    return out


REDACTED = "<redacted sha256:"


def _mask(value: Any) -> str:
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:12]
    return f"{REDACTED}{digest}>"


def redact_secrets(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies with every Secret's ``data``/``stringData`` values replaced by a short hash:
    Secret data never reaches the cache, yet Compare still shows which keys changed."""
    out = []
    for obj in objects:
        if obj.get("kind") == "Secret" and (obj.get("data") or obj.get("stringData")):
            obj = dict(obj)
            for field in ("data", "stringData"):
                if isinstance(obj.get(field), dict):
                    obj[field] = {k: _mask(v) for k, v in obj[field].items()}
        out.append(obj)
    return out


def has_redacted(objects: list[dict[str, Any]]) -> bool:
    return any(str(v).startswith(REDACTED)
               for o in objects if o.get("kind") == "Secret"
               for f in ("data", "stringData") if isinstance(o.get(f), dict)
               for v in o[f].values())


def restore_secrets(stored: list[dict[str, Any]],
                    rendered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored objects with each redacted Secret taken from a fresh render of the same
    revision (template version + values), matched by name (a render has no namespace yet)."""
    fresh = {str((o.get("metadata") or {}).get("name")): o for o in rendered
             if o.get("kind") == "Secret"}
    return [fresh.get(str((o.get("metadata") or {}).get("name")), o)
            if o.get("kind") == "Secret" else o for o in stored]


def with_revision(obj: dict[str, Any], revision: int) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    obj.setdefault("metadata", {}).setdefault("labels", {})[LABEL_REVISION] = str(revision)
    return obj


def apply_phases(objects: list[dict[str, Any]],
                 namespaced: Callable[[dict[str, Any]], bool]) -> list[list[dict[str, Any]]]:
    """CRDs, then other cluster-scoped objects (namespaces …), then namespaced ones: each
    phase waits for the one before; objects inside a phase go concurrently."""
    crds = [o for o in objects if o.get("kind") == CRD]
    cluster = [o for o in objects if o.get("kind") != CRD and not namespaced(o)]
    rest = [o for o in objects if o.get("kind") != CRD and namespaced(o)]
    return [p for p in (crds, cluster, rest) if p]


def to_text(objects: list[dict[str, Any]]) -> str:
    """Multi-document YAML, as the diff reads it and revisions store it (Secret data
    redacted)."""
    return "".join("---\n" + yaml.dump(o, Dumper=_Dumper, sort_keys=False,
                                        allow_unicode=True)
                   for o in redact_secrets(objects))


def from_text(text: str) -> list[dict[str, Any]]:
    # stored revisions and cluster objects: rendered by us, but from user values and charts
    return [d for d in safe_yaml.safe_load_all(text or "", "manifests")
            if isinstance(d, dict)]


def encode(by_target: dict[str, str]) -> str:
    return json.dumps(by_target, sort_keys=True, ensure_ascii=False)


def decode(manifests: str) -> dict[str, str]:
    """A revision's per-target texts; ``{}`` for a draft or an unreadable value."""
    if not manifests.strip():
        return {}
    try:
        data = json.loads(manifests)
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def kinds_of(objects: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(apiVersion, kind) pairs, to list by label what a revision put on a target."""
    return {(str(o.get("apiVersion")), str(o.get("kind"))) for o in objects}


def kinds_in_text(text: str) -> set[tuple[str, str]]:
    """:func:`kinds_of` a stored text without parsing it: :func:`to_text` writes every
    document's ``apiVersion`` and ``kind`` as unindented lines. Falls back to parsing for
    text written otherwise."""
    out: set[tuple[str, str]] = set()
    for doc in re.split(r"^---\s*$", text or "", flags=re.MULTILINE):
        found = dict((m.group(1), m.group(2)) for m in _TOP.finditer(doc))
        if len(found) == 2:
            out.add((found["apiVersion"], found["kind"]))
        elif doc.strip() and not doc.lstrip().startswith("#"):
            return kinds_of(from_text(text))
    return out
