"""Create + register with the local engine (SPEC §3.1.3.3–4) against sandbox clusters: the
join snippet run by ``sh`` + kubectl, the same calls without kubectl, and every way a
registration can fail — each leaving the cluster Waiting and no credentials behind."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.domain import errors as E
from ccseone_tui.domain.models import ClusterSource, ClusterStatus, TaskStatus
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.services.clusters.join import RegistrationToken

from .conftest import make_settings
from .join_helpers import HAVE_KUBECTL, join_via_api, join_via_kubectl, member_client


@pytest.fixture
async def tls_fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=1, nodes=2, tls=True) as f:
        yield f


@pytest.fixture
async def tls_services(tmp_path: Path, tls_fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await open_services(make_settings(tmp_path, tls_fleet.kubeconfig_path), user="tester")
    yield s
    await s.close()


def mode_and_bytes(path: Path) -> tuple[int, bytes]:
    return stat.S_IMODE(path.stat().st_mode), path.read_bytes()


def credential_files(s: Services) -> list[Path]:
    d = s.settings.credentials_dir
    return sorted(d.iterdir()) if d.exists() else []


async def created(s: Services, fleet: SandboxFleet, name: str = "member-1", index: int = 0,
                  **kw: object) -> None:
    if not await s.instances.list():
        await s.instances.create("east", "cn-east-1")
    cluster = await s.registration.create("east", name, api_server=fleet.clusters[index].url,
                                          **kw)  # type: ignore[arg-type]
    assert cluster.status is ClusterStatus.WAITING


@pytest.mark.skipif(not HAVE_KUBECTL, reason="kubectl and openssl are needed on PATH")
async def test_register_with_the_join_snippet_run_by_kubectl(
        tls_services: Services, tls_fleet: SandboxFleet, tmp_path: Path) -> None:
    s, member = tls_services, tls_fleet.clusters[0]
    await created(s, tls_fleet, labels={"team": "sre"})
    snippet = await s.registration.join_command("member-1")
    out, err = await join_via_kubectl(tls_fleet, member, snippet, tmp_path)
    lines = out.splitlines()
    assert len(lines) == 1, out  # exactly one line: the registration token
    assert "serverside-applied" in err  # kubectl's chatter goes to stderr

    cluster = await s.registration.register("member-1", lines[0])
    assert cluster.status is ClusterStatus.READY
    assert cluster.probe.version == "v1.30.2" and cluster.probe.nodes == 2
    assert (await s.clusters.get("member-1")).status is ClusterStatus.READY
    # what the snippet created on the member, labelled as ours
    for key, ns, name in ((("", "namespaces"), "", "ccseone-system"),
                          (("", "serviceaccounts"), "ccseone-system", "ccseone-agent"),
                          (("rbac.authorization.k8s.io", "clusterrolebindings"), "",
                           "ccseone-agent-member-1")):
        obj = member.state.get(key, ns, name)
        assert obj is not None, name
        assert obj["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "ccseone"
    token = RegistrationToken.decode(lines[0])
    assert token.server == member.url and token.ca  # the CA came from kubectl config view
    # running it again is idempotent and a second registration replaces the credentials
    out2, _ = await join_via_kubectl(tls_fleet, member, snippet, tmp_path)
    assert (await s.registration.register("member-1", out2.strip())).status is ClusterStatus.READY


async def test_register_through_the_api_stores_credentials_0600_and_never_in_sqlite(
        tmp_path: Path, tls_fleet: SandboxFleet) -> None:
    s = await open_services(make_settings(tmp_path, tls_fleet.kubeconfig_path), user="tester")
    try:
        secret = await _register_and_check(s, tls_fleet)
    finally:
        await s.close()
    for f in (s.settings.resolved_data_dir).rglob("*"):
        if f.is_file() and f.parent != s.settings.credentials_dir:
            assert secret.encode() not in f.read_bytes(), f


async def _register_and_check(s: Services, tls_fleet: SandboxFleet) -> str:
    member = tls_fleet.clusters[0]
    await created(s, tls_fleet)
    text = await join_via_api(tls_fleet, member, await s.registration.join_command("member-1"),
                              "member-1")
    cluster = await s.registration.register("member-1", text)
    assert cluster.status is ClusterStatus.READY and cluster.source is ClusterSource.REGISTERED
    path = Path(cluster.kubeconfig or "")
    assert path == s.settings.credentials_dir / f"{cluster.id}.kubeconfig"
    assert credential_files(s) == [path]  # no verification leftovers
    mode, data = mode_and_bytes(path)
    secret = RegistrationToken.decode(text).token
    assert mode == 0o600 and secret.encode() in data

    tasks = await s.clusters.tasks(cluster)
    assert [(t.kind, t.status) for t in tasks] == [("cluster.register", TaskStatus.SUCCEEDED)]
    assert "registered: Kubernetes v1.30.2" in tasks[0].results[0].message
    journal = await s.store.list_journal(cluster.instance_id)
    assert [e.action for e in journal][-2:] == ["cluster.create", "cluster.register"]
    refreshed = await s.clusters.refresh()  # the pool reaches it with the new credentials
    assert refreshed[0].status is ClusterStatus.READY
    return secret


async def test_create_checks_write_nothing_on_failure(services: Services,
                                                      fleet: SandboxFleet) -> None:
    s = services
    await s.instances.create("east", "cn-east-1")
    url = fleet.clusters[0].url
    with pytest.raises(E.NameNotCompliant):
        await s.registration.create("east", "Bad_Name", api_server=url)
    with pytest.raises(E.ValidationError, match="api_server") as exc:
        await s.registration.create("east", "m1", api_server="ftp://10.0.0.1")
    assert "https://" in str(exc.value)  # the rule and the fix
    with pytest.raises(E.ValidationError, match="source"):
        await s.registration.create("east", "m1", api_server=url, source="kubeconfig")
    with pytest.raises(E.ValidationError, match="region"):
        await s.registration.create("east", "m1", api_server=url, region="mars")
    with pytest.raises(E.InstanceNotFound):
        await s.registration.create("west", "m1", api_server=url)
    with pytest.raises(E.NameExists):
        await s.registration.create("east", "east", api_server=url)
    assert await s.clusters.list() == []
    await s.registration.create("east", "m1", api_server=url + "/", source="idc")
    with pytest.raises(E.NotAControlInstance):
        await s.registration.create("m1", "m2", api_server="https://10.0.0.9")
    with pytest.raises(E.ClusterAlreadyAssociated):
        await s.registration.create("east", "m2", api_server=url.upper())
    assert [c.name for c in await s.clusters.list()] == ["m1"]
    # kubeconfig-associated clusters need no join command
    await s.clusters.associate("east", [AssociateRequest(context="sandbox-2")])
    with pytest.raises(E.RegistrationNotNeeded):
        await s.registration.join_command("sandbox-2")


async def test_bad_tokens_are_named_and_leave_the_cluster_waiting(
        services: Services, fleet: SandboxFleet) -> None:
    s, member = services, fleet.clusters[0]
    await created(s, fleet)
    snippet = await s.registration.join_command("member-1")

    with pytest.raises(E.RegistrationTokenInvalid, match="base64"):
        await s.registration.register("member-1", "not a token!")
    with pytest.raises(E.RegistrationTokenInvalid, match="JSON"):
        await s.registration.register("member-1", base64.b64encode(b"hello").decode())
    partial = base64.b64encode(json.dumps({"v": 1, "cluster": "member-1",
                                           "server": member.url}).encode()).decode()
    with pytest.raises(E.RegistrationTokenInvalid, match="'token'"):
        await s.registration.register("member-1", partial)

    other = await join_via_api(fleet, member, snippet, "member-9")
    with pytest.raises(E.RegistrationTokenMismatch) as mismatch:
        await s.registration.register("member-1", other)
    assert "member-9" in str(mismatch.value) and "member-1" in str(mismatch.value)

    # expired: the member's clock moves past the token's lifetime
    expiring = await join_via_api(fleet, member, snippet, "member-1", seconds=600)
    member.tokens.advance(601)
    with pytest.raises(E.RegistrationTokenRejected) as rejected:
        await s.registration.register("member-1", expiring)
    assert "expired or revoked" in str(rejected.value)
    assert "clusters join-command member-1" in str(rejected.value)

    # revoked: deleting the service account invalidates every token it minted
    revoked = await join_via_api(fleet, member, snippet, "member-1")
    client = await member_client(fleet, member)
    try:
        await client.delete("v1", "ServiceAccount", "ccseone-agent", namespace="ccseone-system")
    finally:
        await client.close()
    with pytest.raises(E.RegistrationTokenRejected, match="expired or revoked"):
        await s.registration.register("member-1", revoked)

    # the server is down: the §6.1 "getting the version failed" row, naming the address
    fresh = await join_via_api(fleet, member, snippet, "member-1")
    await member.set_outage(True)
    with pytest.raises(E.VersionQueryFailed) as down:
        await s.registration.register("member-1", fresh)
    assert member.url in str(down.value) and "network" in str(down.value)
    await member.set_outage(False)

    member.faults.version = "v1.18.20"
    with pytest.raises(E.VersionUnsupported, match=r"v1\.19\.0"):
        await s.registration.register("member-1", fresh)
    member.faults.version = "v1.30.2"

    cluster = await s.clusters.get("member-1")
    assert cluster.status is ClusterStatus.WAITING and cluster.kubeconfig is None
    assert credential_files(s) == []
    tasks = await s.clusters.tasks(cluster)
    assert len(tasks) == 8 and all(t.status is TaskStatus.FAILED for t in tasks)
    assert all(fresh not in t.results[0].message for t in tasks)
    assert (await s.registration.register("member-1", fresh)).status is ClusterStatus.READY


async def test_registering_an_associated_cluster_is_refused(services: Services) -> None:
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [AssociateRequest(context="sandbox-1")])
    with pytest.raises(E.RegistrationNotNeeded):
        await services.registration.register("sandbox-1", "x")
