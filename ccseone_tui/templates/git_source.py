"""Git templates through ``dulwich`` (imported lazily): a bare mirror per remote URL under
``<data dir>/git/<hash of url>/``, refs resolved to commits, and the tree at ``path`` of a
commit exported once to ``<data dir>/git-trees/<commit>/<path>`` (0700). A commit never
changes, so a render of a commit sha whose tree is exported touches neither the network nor
the mirror; a branch is fetched, and if it still points at the same commit its exported tree
is reused.

Everything here is blocking (network, disk): ``GitSource`` in ``git_async.py`` runs it in
threads, one fetch per remote at a time, with an overall timeout.
"""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ccseone_tui.domain.template_errors import (
    GitPathNotFound,
    GitRefNotFound,
    GitRemoteUnreachable,
)
from ccseone_tui.i18n import t
from ccseone_tui.templates.cache import key_of, private_dir, publish_dir
from ccseone_tui.templates.semver import newest_first

_HEX = re.compile(r"^[0-9a-f]{4,40}$")


@dataclass
class RemoteRefs:
    """Branches and tags of a remote (peeled to commits), as of the last fetch."""

    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    head: str | None = None

    def names(self) -> list[str]:
        return sorted(self.branches) + newest_first(self.tags)


def is_sha(ref: str) -> bool:
    return bool(_HEX.match(ref))


def tree_key(path: str) -> str:
    """One directory name per path in the repository ("" → the root)."""
    clean = path.strip("/")
    return quote(clean, safe="") if clean not in ("", ".") else "_root"


class GitMirror:
    """The bare mirror of one remote URL and the exported trees of its commits."""

    def __init__(self, url: str, data_dir: Path, *, connect_timeout: float = 5.0,
                 read_timeout: float = 20.0) -> None:
        self.url = url
        self.dir = data_dir / "git" / key_of(url)
        self.trees = data_dir / "git-trees"
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout

    # ---- mirror ----

    def _repo(self, *, create: bool) -> Any:
        from dulwich.repo import Repo

        if (self.dir / "objects").is_dir():
            return Repo(str(self.dir))
        if not create:
            return None
        private_dir(self.dir)
        return Repo.init_bare(str(self.dir))

    def _client(self) -> tuple[Any, str]:
        from dulwich.client import default_urllib3_manager, get_transport_and_path

        kwargs: dict[str, Any] = {}
        if self.url.startswith(("http://", "https://")):
            kwargs["pool_manager"] = default_urllib3_manager(
                None, timeout=self.connect_timeout + self.read_timeout)
        elif self.url.startswith(("ssh://", "git@")) or re.match(r"^[\w.-]+@[\w.-]+:", self.url):
            # never prompt (a TUI owns the terminal), give up on dead hosts quickly
            kwargs["ssh_command"] = (f"ssh -o BatchMode=yes -o ConnectTimeout="
                                     f"{max(1, int(self.connect_timeout))}")
        return get_transport_and_path(self.url, **kwargs)

    def fetch(self) -> RemoteRefs:
        """Fetch every branch and tag into the mirror; their commits as the remote has them."""
        from dulwich.objects import Commit, Tag

        repo = self._repo(create=True)
        try:
            client, path = self._client()
            result = client.fetch(path, repo)
        except Exception as exc:  # dulwich raises many types: refused, hangup, not a repo …
            cause = " ".join(str(exc).split()) or type(exc).__name__
            raise GitRemoteUnreachable(self.url, f"{type(exc).__name__}: {cause}",
                                       self.connect_timeout + self.read_timeout) from exc
        finally:
            repo.close()
        repo = self._repo(create=False)
        try:
            refs = RemoteRefs()
            wanted: dict[bytes, bytes] = {}
            for name, sha in result.refs.items():
                if sha is None or name.endswith(b"^{}"):
                    continue
                obj = repo.object_store[sha] if sha in repo.object_store else None
                while isinstance(obj, Tag):  # annotated tag → the commit it tags
                    target = obj.object[1]
                    obj = repo.object_store[target] if target in repo.object_store else None
                if not isinstance(obj, Commit):
                    continue
                commit = obj.id.decode()
                text = name.decode()
                if text.startswith("refs/heads/"):
                    refs.branches[text.removeprefix("refs/heads/")] = commit
                    wanted[name] = sha
                elif text.startswith("refs/tags/"):
                    refs.tags[text.removeprefix("refs/tags/")] = commit
                    wanted[name] = sha
                elif text == "HEAD":
                    refs.head = commit
            # the mirror's refs are the remote's: branches deleted there are dropped here
            for name in list(repo.refs.keys()):
                if name.startswith((b"refs/heads/", b"refs/tags/")) and name not in wanted:
                    del repo.refs[name]
            for name, sha in wanted.items():
                repo.refs[name] = sha
            return refs
        finally:
            repo.close()

    def local_commit(self, ref: str) -> str | None:
        """A commit sha (or unique prefix) the mirror already holds; no network."""
        from dulwich.objects import Commit

        if not is_sha(ref):
            return None
        repo = self._repo(create=False)
        if repo is None:
            return None
        try:
            if len(ref) == 40:
                found = [ref.encode()] if ref.encode() in repo.object_store else []
            else:
                found = list(repo.object_store.iter_prefix(ref.encode()))
            commits = [s for s in found if isinstance(repo.object_store[s], Commit)]
            return commits[0].decode() if len(commits) == 1 else None
        finally:
            repo.close()

    def resolve(self, ref: str, refs: RemoteRefs) -> str:
        """Branch, tag, ``refs/…`` name, ``HEAD`` or commit sha → full commit sha."""
        name = ref.strip()
        if name in ("HEAD", "") and refs.head:
            return refs.head
        if name.startswith("refs/heads/"):
            name = name.removeprefix("refs/heads/")
        if name in refs.branches:
            return refs.branches[name]
        name = name.removeprefix("refs/tags/")
        if name in refs.tags:
            return refs.tags[name]
        commit = self.local_commit(ref.strip().lower())
        if commit:
            return commit
        raise GitRefNotFound(self.url, ref, refs.names())

    # ---- trees ----

    def tree_dir(self, commit: str, path: str) -> Path:
        return self.trees / commit / tree_key(path)

    def export(self, commit: str, path: str) -> Path:
        """The directory holding the tree at ``path`` of ``commit`` (exported once)."""
        from dulwich.objects import Tree

        final = self.tree_dir(commit, path)
        if final.is_dir():
            return final
        repo = self._repo(create=False)
        if repo is None:
            raise GitPathNotFound(self.url, commit, path, "(the mirror is gone: fetch again)")
        try:
            tree = repo.object_store[repo.object_store[commit.encode()].tree]
            for part in [p for p in path.strip("/").split("/") if p not in ("", ".")]:
                try:
                    _, sha = tree[part.encode()]
                except KeyError:
                    raise GitPathNotFound(self.url, commit, path,
                                          t("template.detail.no_such_dir")) from None
                tree = repo.object_store[sha]
                if not isinstance(tree, Tree):
                    raise GitPathNotFound(self.url, commit, path, "(a file, not a directory)")
            private_dir(self.trees)
            staging = Path(tempfile.mkdtemp(prefix=".export-", dir=self.trees))
            try:
                self._write_tree(repo, tree, staging)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        finally:
            repo.close()
        private_dir(final.parent)
        return publish_dir(staging, final)

    def _write_tree(self, repo: Any, tree: Any, into: Path) -> None:
        into.mkdir(parents=True, exist_ok=True, mode=0o700)
        for entry in tree.items():
            name = entry.path.decode("utf-8", "replace")
            if name in (".", "..") or "/" in name:
                continue
            if stat.S_ISDIR(entry.mode):
                self._write_tree(repo, repo.object_store[entry.sha], into / name)
            elif stat.S_ISREG(entry.mode):
                target = into / name
                target.write_bytes(repo.object_store[entry.sha].data)
                target.chmod(0o600)
            # symlinks could point outside the export and submodules are other
            # repositories: neither is part of a template

    def forget(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
