"""Server-side apply: create, merge, conflicts named by manager, force, dry run."""

from __future__ import annotations

import aiohttp
import yaml

from ccseone_tui.sandbox import SandboxFleet

from .conftest import Raw, deployment

APPLY = "application/apply-patch+yaml"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"


async def apply(raw: Raw, path: str, obj: dict, manager: str, force: bool = False,
                dry_run: bool = False) -> tuple[int, dict]:
    # The official client JSON-encodes apply bodies (JSON is valid YAML).
    q = [("fieldManager", manager), ("force", "true" if force else "false")]
    if dry_run:
        q.append(("dryRun", "All"))
    status, data, _ = await raw.call("PATCH", path, obj, content_type=APPLY, query=q)
    return status, data


async def test_apply_creates_then_merges(raw: Raw, fleet: SandboxFleet) -> None:
    status, obj = await apply(raw, f"{DEPLOY}/web", deployment("web", 2), "ccseone")
    assert status == 201
    mf = obj["metadata"]["managedFields"]
    assert [(m["manager"], m["operation"]) for m in mf] == [("ccseone", "Apply")]
    assert "f:replicas" in mf[0]["fieldsV1"]["f:spec"]

    # Same manager, same config: nothing changes, not even the resourceVersion.
    await fleet.clusters[0].settle()
    obj = await raw.get(f"{DEPLOY}/web")
    status, again = await apply(raw, f"{DEPLOY}/web", deployment("web", 2), "ccseone")
    assert status == 200
    assert again["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]

    # Another manager may add a field nobody owns.
    labels = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "web", "labels": {"team": "sre"}}}
    status, merged = await apply(raw, f"{DEPLOY}/web", labels, "other")
    assert status == 200
    assert merged["metadata"]["labels"] == {"app": "web", "team": "sre"}
    assert merged["spec"]["replicas"] == 2
    assert {m["manager"] for m in merged["metadata"]["managedFields"]} == {"ccseone", "other"}


async def test_apply_conflict_names_manager_and_fields(raw: Raw) -> None:
    await apply(raw, f"{DEPLOY}/api", deployment("api", 2), "kubectl")
    status, body = await apply(raw, f"{DEPLOY}/api", deployment("api", 5), "ccseone")
    assert status == 409 and body["reason"] == "Conflict"
    assert body["message"] == (
        'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas')
    assert body["details"]["causes"] == [{"reason": "FieldManagerConflict",
                                          "message": 'conflict with "kubectl"',
                                          "field": ".spec.replicas"}]

    two = deployment("api", 5, image="nginx:1.28")
    status, body = await apply(raw, f"{DEPLOY}/api", two, "ccseone")
    assert status == 409
    assert body["message"].startswith('Apply failed with 2 conflicts: conflicts with "kubectl":')
    assert '- .spec.template.spec.containers[name="web"].image' in body["message"]

    status, obj = await apply(raw, f"{DEPLOY}/api", two, "ccseone", force=True)
    assert status == 200 and obj["spec"]["replicas"] == 5
    owners = {m["manager"]: m["fieldsV1"] for m in obj["metadata"]["managedFields"]}
    assert "f:replicas" in owners["ccseone"]["f:spec"]
    assert "f:replicas" not in owners["kubectl"].get("f:spec", {})
    assert obj["metadata"]["generation"] == 2


async def test_update_manager_conflicts_carry_api_version(raw: Raw) -> None:
    status, _, _ = await raw.call("POST", DEPLOY, deployment("made", 1),
                                  query=[("fieldManager", "kubectl-create")])
    assert status == 201
    status, body = await apply(raw, f"{DEPLOY}/made", deployment("made", 3), "ccseone")
    assert status == 409
    assert 'conflict with "kubectl-create" using apps/v1: .spec.replicas' in body["message"]


async def test_apply_removes_fields_the_manager_dropped(raw: Raw) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
          "data": {"a": "1", "b": "2"}}
    await apply(raw, "/api/v1/namespaces/default/configmaps/c", cm, "ccseone")
    cm["data"] = {"a": "1"}
    status, obj = await apply(raw, "/api/v1/namespaces/default/configmaps/c", cm, "ccseone")
    assert status == 200 and obj["data"] == {"a": "1"}


async def test_apply_requires_field_manager_and_honours_dry_run(raw: Raw) -> None:
    status, body, _ = await raw.call("PATCH", f"{DEPLOY}/x", deployment("x"),
                                     content_type=APPLY)
    assert status == 422 and "fieldManager" in body["message"]
    status, body = await apply(raw, f"{DEPLOY}/x", deployment("x"), "ccseone", dry_run=True)
    assert status == 201 and body["metadata"]["name"] == "x"
    status, _, _ = await raw.call("GET", f"{DEPLOY}/x")
    assert status == 404


async def test_apply_accepts_a_yaml_body(fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    text = yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "from-yaml"}, "data": {"k": "v"}})
    async with aiohttp.ClientSession() as s, s.patch(
        f"{c.url}/api/v1/namespaces/default/configmaps/from-yaml?fieldManager=kubectl",
        data=text, headers={"Authorization": f"Bearer {c.token}", "Content-Type": APPLY},
    ) as r:
        assert r.status == 201
        assert (await r.json())["data"] == {"k": "v"}
