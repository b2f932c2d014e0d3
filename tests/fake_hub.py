"""An in-process fake of the Hugging Face Hub's HTTP API, enough for the real
`huggingface_hub` client (create repo, list tree, preupload, commit, tag) and
for `datasets.load_dataset` (repo info, tree, paths-info, resolve) to run
unchanged against it. Every commit keeps a snapshot, so reads at a commit sha
work; faults can be injected per endpoint."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Repo:
    def __init__(self, private: bool) -> None:
        self.private = private
        self.commits: list[tuple[str, dict[str, bytes], str]] = []  # (sha, files, message)
        self.tags: dict[str, str] = {}
        self._commit({}, "initial commit")

    def _commit(self, files: dict[str, bytes], message: str) -> str:
        sha = hashlib.sha1(f"{len(self.commits)}{message}{sorted(files)}{time.time()}".encode()).hexdigest()
        self.commits.append((sha, files, message))
        return sha

    @property
    def head(self) -> str:
        return self.commits[-1][0]

    def files(self, revision: str) -> dict[str, bytes] | None:
        if revision in ("main", "refs/heads/main"):
            return self.commits[-1][1]
        revision = self.tags.get(revision, revision)
        return next((files for sha, files, _ in self.commits if sha == revision), None)


class FakeHub:
    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.faults: dict[str, deque] = defaultdict(deque)  # endpoint name -> statuses to answer first
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                hub._dispatch(self, "GET")

            def do_HEAD(self) -> None:
                hub._dispatch(self, "HEAD")

            def do_POST(self) -> None:
                hub._dispatch(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- plumbing ---------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urlparse(handler.path)
        path, query = unquote(parsed.path), parse_qs(parsed.query)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        self.requests.append((method, path))
        routes = [
            ("POST", r"^/api/repos/create$", self._create),
            ("POST", r"^/api/validate-yaml$", self._validate_yaml),
            ("GET", r"^/api/datasets/([^/]+/[^/]+)/revision/(.+)$", self._info),
            ("GET", r"^/api/datasets/([^/]+/[^/]+)$", lambda h, m, q, b: self._info(h, (*m, "main"), q, b)),
            ("GET", r"^/api/datasets/([^/]+/[^/]+)/tree/([^/]+)/?(.*)$", self._tree),
            ("POST", r"^/api/datasets/([^/]+/[^/]+)/paths-info/([^/]+)$", self._paths_info),
            ("POST", r"^/api/datasets/([^/]+/[^/]+)/preupload/([^/]+)$", self._preupload),
            ("POST", r"^/api/datasets/([^/]+/[^/]+)/commit/([^/]+)$", self._commit),
            ("POST", r"^/api/datasets/([^/]+/[^/]+)/tag/([^/]+)$", self._tag),
            ("GET", r"^/datasets/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$", self._resolve),
            ("HEAD", r"^/datasets/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$", self._resolve),
        ]
        for verb, pattern, action in routes:
            match = re.match(pattern, path)
            if verb == method and match:
                name = action.__name__ if hasattr(action, "__name__") else "info"
                with self.lock:
                    fault = self.faults[name.strip("_")].popleft() if self.faults[name.strip("_")] else None
                if fault:
                    return self._json(handler, fault, {"error": "injected fault"})
                with self.lock:
                    return action(handler, match.groups(), query, body)
        self._json(handler, 404, {"error": f"fake hub: no route for {method} {path}"})

    def _json(self, handler, status: int, data, headers: dict | None = None) -> None:
        payload = json.dumps(data).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(payload)

    def _repo(self, handler, repo_id: str) -> Repo | None:
        repo = self.repos.get(repo_id)
        if repo is None:
            self._json(handler, 404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
        return repo

    def _snapshot(self, handler, repo: Repo, revision: str) -> dict[str, bytes] | None:
        files = repo.files(revision)
        if files is None:
            self._json(handler, 404, {"error": "Revision not found"}, {"X-Error-Code": "RevisionNotFound"})
        return files

    def _entry(self, path: str, data: bytes) -> dict:
        return {"type": "file", "oid": git_sha1(data), "size": len(data), "path": path}

    # -- endpoints ----------------------------------------------------------------

    def _create(self, handler, groups, query, body) -> None:
        spec = json.loads(body)
        repo_id = f"{spec['organization']}/{spec['name']}"
        if repo_id in self.repos:
            return self._json(
                handler,
                409,
                {"error": "You already created this dataset repo", "url": f"{self.url}/datasets/{repo_id}"},
            )
        self.repos[repo_id] = Repo(spec.get("visibility") == "private" or bool(spec.get("private")))
        self._json(handler, 200, {"url": f"{self.url}/datasets/{repo_id}"})

    def _validate_yaml(self, handler, groups, query, body) -> None:
        """The card's YAML must parse to a mapping, as the Hub requires."""
        import yaml

        content = json.loads(body)["content"]
        try:
            front = content.split("---\n", 2)[1] if content.startswith("---\n") else ""
            ok = isinstance(yaml.safe_load(front) or {}, dict)
        except yaml.YAMLError:
            ok = False
        if not ok:
            return self._json(handler, 400, {"errors": [{"message": "invalid YAML metadata"}]})
        self._json(handler, 200, {"errors": [], "warnings": []})

    def _info(self, handler, groups, query, body) -> None:
        repo_id, revision = groups[0], groups[1]
        repo = self._repo(handler, repo_id)
        if repo is None:
            return
        files = self._snapshot(handler, repo, revision)
        if files is None:
            return
        sha = repo.head if revision in ("main", "refs/heads/main") else repo.tags.get(revision, revision)
        self._json(handler, 200, {
            "id": repo_id, "_id": repo_id, "sha": sha, "private": repo.private, "disabled": False, "gated": False,
            "downloads": 0, "likes": 0, "tags": [], "lastModified": "2026-11-26T00:00:00.000Z",
            "siblings": [{"rfilename": p, "size": len(d)} for p, d in sorted(files.items())],
        })  # fmt: skip

    def _tree(self, handler, groups, query, body) -> None:
        repo_id, revision, prefix = groups
        repo = self._repo(handler, repo_id)
        if repo is None or (files := self._snapshot(handler, repo, revision)) is None:
            return
        prefix = prefix.strip("/")
        recursive = query.get("recursive", ["false"])[0].lower() == "true"
        entries, folders = [], set()
        for path, data in sorted(files.items()):
            if prefix and not path.startswith(prefix + "/"):
                continue
            rest = path[len(prefix) + 1 :] if prefix else path
            if "/" in rest and not recursive:
                folders.add((prefix + "/" if prefix else "") + rest.split("/")[0])
                continue
            if recursive:
                parts = path.split("/")[:-1]
                for depth in range(len(prefix.split("/")) if prefix else 0, len(parts)):
                    folders.add("/".join(parts[: depth + 1]))
            entries.append(self._entry(path, data))
        entries += [{"type": "directory", "oid": "0" * 40, "size": 0, "path": f} for f in sorted(folders)]
        if prefix and not entries:
            return self._json(handler, 404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})
        self._json(handler, 200, entries)

    def _paths_info(self, handler, groups, query, body) -> None:
        repo_id, revision = groups
        repo = self._repo(handler, repo_id)
        if repo is None or (files := self._snapshot(handler, repo, revision)) is None:
            return
        form = parse_qs(body.decode()) if body and not body.startswith(b"{") else {}
        wanted = form.get("paths") or json.loads(body or b"{}").get("paths", [])
        found = []
        for path in wanted:
            path = path.strip("/")
            if path in files:
                found.append(self._entry(path, files[path]))
            elif any(p.startswith(path + "/") for p in files):
                found.append({"type": "directory", "oid": "0" * 40, "size": 0, "path": path})
        self._json(handler, 200, found)

    def _preupload(self, handler, groups, query, body) -> None:
        if self._repo(handler, groups[0]) is None:
            return
        files = json.loads(body)["files"]
        self._json(handler, 200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                            for f in files]})  # fmt: skip

    def _commit(self, handler, groups, query, body) -> None:
        repo_id, revision = groups
        repo = self._repo(handler, repo_id)
        if repo is None:
            return
        files = dict(repo.commits[-1][1])
        message = ""
        for line in body.splitlines():
            item = json.loads(line)
            if item["key"] == "header":
                message = item["value"]["summary"]
            elif item["key"] == "file":
                files[item["value"]["path"]] = base64.b64decode(item["value"]["content"])
            elif item["key"] == "deletedFile":
                files.pop(item["value"]["path"], None)
            elif item["key"] == "deletedFolder":
                files = {p: d for p, d in files.items() if not p.startswith(item["value"]["path"].rstrip("/") + "/")}
            else:
                return self._json(handler, 400, {"error": f"fake hub: unsupported commit item {item['key']}"})
        sha = repo._commit(files, message)
        self._json(handler, 200, {"commitUrl": f"{self.url}/datasets/{repo_id}/commit/{sha}", "commitOid": sha})

    def _tag(self, handler, groups, query, body) -> None:
        repo_id, revision = groups
        repo = self._repo(handler, repo_id)
        if repo is None:
            return
        tag = json.loads(body)["tag"]
        repo.tags[tag] = repo.head if revision == "main" else revision
        self._json(handler, 200, {})

    def _resolve(self, handler, groups, query, body) -> None:
        repo_id, revision, path = groups
        repo = self._repo(handler, repo_id)
        if repo is None or (files := self._snapshot(handler, repo, revision)) is None:
            return
        if path not in files:
            return self._json(handler, 404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})
        data = files[path]
        sha = repo.head if revision in ("main", "refs/heads/main") else repo.tags.get(revision, revision)
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("ETag", f'"{git_sha1(data)}"')
        handler.send_header("X-Repo-Commit", sha)
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(data)

    # -- helpers for tests ----------------------------------------------------------

    def commit_count(self, repo_id: str) -> int:
        return len(self.repos[repo_id].commits) - 1

    def files(self, repo_id: str) -> dict[str, bytes]:
        return self.repos[repo_id].commits[-1][1]
