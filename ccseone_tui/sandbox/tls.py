"""Optional TLS for sandbox clusters.

kubectl (client-go) sends bearer tokens only over TLS: against ``http://`` servers it sends
no credentials at all, so a token-protected plain-HTTP sandbox answers it 401. With
``tls=True`` the sandbox serves HTTPS with a throwaway CA made at runtime by the ``openssl``
command (no extra Python dependency); the kubeconfig then carries that CA. One CA and one
server certificate (for 127.0.0.1) per process, shared by every cluster.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

_LEAF_EXT = (
    "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
    "basicConstraints=critical,CA:FALSE\n"
    "keyUsage=critical,digitalSignature,keyEncipherment\n"
    "extendedKeyUsage=serverAuth\n"
    "authorityKeyIdentifier=keyid,issuer\n"
    "subjectKeyIdentifier=hash\n"
)


@dataclass(frozen=True)
class TlsMaterial:
    ca_pem: bytes
    context: ssl.SSLContext


_material: TlsMaterial | None = None


class TlsUnavailable(RuntimeError):
    pass


async def _openssl(*args: str, cwd: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        "openssl", *args, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    if proc.returncode != 0:
        raise TlsUnavailable(f"openssl {args[0]} failed: {err.decode(errors='replace')}")


async def sandbox_tls() -> TlsMaterial:
    """The process-wide CA and server context, made on first use."""
    global _material
    if _material is None:
        if shutil.which("openssl") is None:
            raise TlsUnavailable("the openssl command is needed for a TLS sandbox")
        with tempfile.TemporaryDirectory(prefix="ccseone-sandbox-tls-") as tmp:
            d = Path(tmp)
            (d / "leaf.ext").write_text(_LEAF_EXT)
            ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
            await _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt",
                           "-days", "3650", "-subj", "/CN=ccseone-sandbox-ca",
                           "-config", "/dev/null", "-addext",
                           "basicConstraints=critical,CA:TRUE", "-addext",
                           "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
            await _openssl("req", "-new", *ec, "-keyout", "server.key", "-out", "server.csr",
                           "-subj", "/CN=127.0.0.1", "-config", "/dev/null", cwd=d)
            await _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey",
                           "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "3650",
                           "-extfile", "leaf.ext", cwd=d)
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(d / "server.crt", d / "server.key")
            # Two concurrent first calls both generate; the last one wins, both work.
            _material = TlsMaterial((d / "ca.crt").read_bytes(), ctx)
    return _material
