"""The registration token codec, the join snippet and kubeconfig masking (no cluster)."""

from __future__ import annotations

import base64
import shutil
import subprocess

import pytest

from ccseone_tui.domain.errors import RegistrationTokenInvalid
from ccseone_tui.services.clusters.join import RegistrationToken, join_snippet
from ccseone_tui.services.clusters.kubeconfig_view import MASK, masked

TOKEN = RegistrationToken(cluster="east-1", server="https://10.0.0.1:6443",
                          ca=base64.b64encode(b"PEM").decode(), token="eyJsecret.part.sig",
                          issued=1700000000)


def test_round_trip_tolerates_wrapping_and_urlsafe_alphabet() -> None:
    text = TOKEN.encode()
    assert "\n" not in text and RegistrationToken.decode(text) == TOKEN
    wrapped = "\n".join(text[i:i + 60] for i in range(0, len(text), 60)) + "\n"
    assert RegistrationToken.decode(wrapped) == TOKEN
    urlsafe = text.replace("+", "-").replace("/", "_").rstrip("=")
    assert RegistrationToken.decode(urlsafe) == TOKEN


def test_the_secret_never_shows() -> None:
    assert "eyJsecret" not in repr(TOKEN)
    with pytest.raises(RegistrationTokenInvalid) as exc:
        RegistrationToken.decode(TOKEN.encode()[:-7])  # one character too few, say
    assert "eyJsecret" not in str(exc.value)


@pytest.mark.parametrize(("text", "part"), [
    ("", "input"),
    ("%%%", "base64"),
    (base64.b64encode(b"\xff\xfe").decode(), "JSON"),
    (base64.b64encode(b'{"v":2}').decode(), "'v'"),
    (base64.b64encode(b'{"v":1,"cluster":"Bad_Name","server":"https://x","token":"t"}'
                      ).decode(), "'cluster'"),
    (base64.b64encode(b'{"v":1,"cluster":"a","server":"10.0.0.1","token":"t"}').decode(),
     "'server'"),
])
def test_garbage_names_the_part(text: str, part: str) -> None:
    with pytest.raises(RegistrationTokenInvalid, match=part):
        RegistrationToken.decode(text)


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs sh")
def test_snippet_is_valid_posix_sh_and_uses_no_jq_or_python() -> None:
    snippet = join_snippet("east-1")
    subprocess.run(["sh", "-n"], input=snippet, text=True, check=True)
    code = [ln for ln in snippet.splitlines() if not ln.startswith("#")]
    assert not any(word in " ".join(code) for word in ("jq", "python", "bash"))
    assert "kubectl create token ccseone-agent -n ccseone-system --duration=8760h" in snippet
    assert "ccseone-agent-east-1" in snippet


def test_masking_covers_tokens_keys_passwords_and_exec_env() -> None:
    doc = {"users": [{"name": "u", "user": {
        "token": "t", "client-key-data": "k", "password": "p", "username": "admin",
        "client-certificate-data": "cert",
        "exec": {"command": "aws", "env": [{"name": "AWS_SECRET", "value": "s"}]},
    }}]}
    user = masked(doc)["users"][0]["user"]
    assert user["token"] == user["client-key-data"] == user["password"] == MASK
    assert user["exec"]["env"][0] == {"name": "AWS_SECRET", "value": MASK}
    assert user["username"] == "admin" and user["client-certificate-data"] == "cert"
    assert doc["users"][0]["user"]["token"] == "t"  # a copy: the original is untouched
