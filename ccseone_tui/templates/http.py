"""Connection options shared by chart repositories and registries: basic auth with the
password read from an environment variable at the moment it is needed (never stored), a CA
file or no verification, and timeouts."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from typing import Any

from ccseone_tui.domain.template_errors import PasswordEnvMissing


@dataclass(frozen=True)
class Access:
    username: str | None = None
    password_env: str | None = None
    ca_file: str | None = None
    insecure: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 20.0

    @classmethod
    def from_source(cls, source: dict[str, Any], *, connect_timeout: float = 5.0,
                    read_timeout: float = 20.0) -> Access:
        return cls(username=source.get("username") or None,
                   password_env=source.get("password_env") or None,
                   ca_file=source.get("ca_file") or None,
                   insecure=bool(source.get("insecure")),
                   connect_timeout=connect_timeout, read_timeout=read_timeout)

    def password(self) -> str | None:
        """Read the password now; ``PasswordEnvMissing`` if the variable is not set."""
        if not self.password_env:
            return None
        value = os.environ.get(self.password_env)
        if value is None:
            raise PasswordEnvMissing(self.password_env)
        return value

    def credentials(self) -> tuple[str, str] | None:
        if not self.username:
            return None
        return self.username, self.password() or ""

    def ssl_context(self) -> ssl.SSLContext | bool:
        """What aiohttp's ``ssl=`` wants: ``False`` skips verification, a context adds a CA."""
        if self.insecure:
            return False
        if self.ca_file:
            return ssl.create_default_context(cafile=self.ca_file)
        return True
