"""Many workspaces for the fake Slack: OAuth code exchange, token refresh, tokens per team.

``FakeSlack.workspaces`` is a ``FakeWorkspaces``. A test registers a workspace with
``add(...)`` and gets the ``code`` Slack would hand the browser on its redirect; the app
exchanges it with ``oauth.v2.access`` (client id and secret checked, the code used once) for a
bot token of that team, with a refresh token and ``expires_in`` when the workspace rotates.
``grant_type=refresh_token`` gives a new token and refresh token and retires the old refresh
token. From the first token issued on, every call's token is checked: one the fake never
issued, revoked or expired is answered ``invalid_auth`` / ``token_revoked`` /
``token_expired``; a call naming a channel or user that belongs to another team (``place``) is
a violation: sent with another workspace's token.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from typing import Any, Final

CLIENT_ID: Final = "1111.2222"
CLIENT_SECRET: Final = "fake-client-secret-0123456789"
LIFETIME: Final = 43_200  # seconds: Slack's 12 hours for a rotating token


@dataclass
class FakeWorkspace:
    """A workspace (or, with ``org_wide``, an Enterprise Grid org) that installs the app."""

    team_id: str | None
    team_name: str
    installer: str
    enterprise_id: str | None = None
    org_wide: bool = False
    rotating: bool = False
    expires_in: int = LIFETIME
    bot_user_id: str = ""
    bot_id: str = ""


@dataclass
class Grant:
    """A token the fake issued."""

    workspace: FakeWorkspace
    refresh_token: str | None = None
    expired: bool = False
    revoked: bool = False
    refreshes: list[str] = field(default_factory=list)


class FakeWorkspaces:
    """Installs, tokens and ownership of channels and users, per team."""

    def __init__(self, violations: list[str]) -> None:
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET
        self.codes: dict[str, FakeWorkspace] = {}
        self.grants: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> the access token it renews
        self.owners: dict[str, str] = {}  # channel or user id -> team id
        self.orgs: dict[str, str] = {}  # team id -> its Enterprise Grid org
        self.violations = violations
        self._serial = itertools.count(1)

    def add(self, workspace: FakeWorkspace) -> str:
        """Register a workspace that will install; returns the OAuth code for its redirect."""
        serial = next(self._serial)
        key = workspace.team_id or workspace.enterprise_id or "X"
        workspace.bot_user_id = workspace.bot_user_id or f"UB{key}"
        workspace.bot_id = workspace.bot_id or f"BB{key}"
        code = f"code-{key}-{serial}"
        self.codes[code] = workspace
        if workspace.team_id is not None:
            self.place(workspace.team_id, workspace.installer)
            if workspace.enterprise_id is not None:
                self.orgs[workspace.team_id] = workspace.enterprise_id
        return code

    def place(self, team_id: str, *ids: str, enterprise_id: str | None = None) -> None:
        """Say that these channels or users belong to `team_id` (of that org, if given)."""
        for item in ids:
            self.owners[item] = team_id
        if enterprise_id is not None:
            self.orgs[team_id] = enterprise_id

    def token_of(self, team_id: str | None) -> str:
        """The newest live token issued to a team (or an org, by its enterprise id)."""
        live = [
            token
            for token, grant in self.grants.items()
            if team_id in (grant.workspace.team_id, grant.workspace.enterprise_id)
            and not grant.expired
            and not grant.revoked
        ]
        assert live, f"no live token for {team_id}"
        return live[-1]

    def team_of(self, token: str | None) -> str | None:
        """The team (or org) a token was issued to, if the fake issued it."""
        grant = self.grants.get(token or "")
        if grant is None:
            return None
        return grant.workspace.team_id or grant.workspace.enterprise_id

    def expire(self, token: str) -> None:
        """The token's lifetime is over: Slack answers token_expired from now on."""
        self.grants[token].expired = True

    def revoke(self, team_id: str) -> None:
        """Every token of the team stops working (as after an uninstall)."""
        for grant in self.grants.values():
            if team_id in (grant.workspace.team_id, grant.workspace.enterprise_id):
                grant.revoked = True

    # ------------------------------------------------------------------ checks and answers

    def refusal(self, method: str, token: str | None, params: dict[str, Any]) -> str | None:
        """The error Slack would answer for this token, or None when it is good for the call."""
        if not self.grants or token is None or method == "oauth.v2.access":
            return None
        if token.startswith("xapp-"):
            return None
        grant = self.grants.get(token)
        if grant is None:
            return "invalid_auth"
        if grant.revoked:
            return "token_revoked"
        if grant.expired:
            return "token_expired"
        workspace = grant.workspace
        for name in ("channel", "user", "users"):
            for item in str(params.get(name) or "").split(","):
                owner = self.owners.get(item.strip())
                if owner is None or owner in (workspace.team_id, workspace.enterprise_id):
                    continue
                if workspace.org_wide and self.orgs.get(owner) == workspace.enterprise_id:
                    continue  # a workspace of the org the token was installed in
                self.violations.append(
                    f"{method}: {name} {item} belongs to {owner}, token is "
                    f"{workspace.team_id or workspace.enterprise_id}'s"
                )
                return "channel_not_found"
        return None

    def auth_test(self, token: str | None) -> dict[str, Any] | None:
        """`auth.test` for a token the fake issued (None: not one of these)."""
        grant = self.grants.get(token or "")
        if grant is None:
            return None
        workspace = grant.workspace
        return {
            "ok": True,
            "url": f"https://{(workspace.team_id or workspace.enterprise_id or '').lower()}"
            ".slack.com/",
            "team": workspace.team_name,
            "user": "coach",
            "team_id": workspace.team_id or workspace.enterprise_id,
            "user_id": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "app_id": "A0001",
            "enterprise_id": workspace.enterprise_id,
            "is_enterprise_install": workspace.org_wide,
        }

    def access(self, params: dict[str, Any], authorization: str | None) -> dict[str, Any]:
        """`oauth.v2.access`: a code exchanged once, or a refresh token renewed."""
        client_id, client_secret = _basic(authorization) or (
            params.get("client_id"),
            params.get("client_secret"),
        )
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if client_secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        if params.get("grant_type") == "refresh_token":
            return self._refresh(str(params.get("refresh_token") or ""))
        workspace = self.codes.pop(str(params.get("code") or ""), None)
        if workspace is None:
            return {"ok": False, "error": "invalid_code"}
        return self._issue(workspace)

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        old = self.refresh_tokens.pop(refresh_token, None)
        if old is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        answer = self._issue(self.grants[old].workspace)
        self.grants[old].refreshes.append(answer["access_token"])
        return answer

    def _issue(self, workspace: FakeWorkspace) -> dict[str, Any]:
        serial = next(self._serial)
        key = workspace.team_id or workspace.enterprise_id
        # Realistic lengths: a rotating token is ~150 characters, so its ciphertext is ~290.
        pad = base64.b32encode(f"{key}-{serial}".encode()).decode().lower().rstrip("=")
        if workspace.rotating:
            token = f"xoxe.xoxb-1-{key}-{serial}-{pad:x<120}"
            refresh = f"xoxe-1-{key}-{serial}-{pad:y<120}"
        else:
            token, refresh = f"xoxb-{key}-{serial}-{pad:x<40}", None
        self.grants[token] = Grant(workspace, refresh)
        answer: dict[str, Any] = {
            "ok": True,
            "app_id": "A0001",
            "authed_user": {"id": workspace.installer},
            "scope": "chat:write,commands",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": workspace.bot_user_id,
            "team": None
            if workspace.team_id is None
            else {"id": workspace.team_id, "name": workspace.team_name},
            "enterprise": None
            if workspace.enterprise_id is None
            else {"id": workspace.enterprise_id, "name": f"{workspace.enterprise_id} org"},
            "is_enterprise_install": workspace.org_wide,
        }
        if refresh is not None:
            self.refresh_tokens[refresh] = token
            answer.update(refresh_token=refresh, expires_in=workspace.expires_in)
        return answer


def _basic(header: str | None) -> tuple[str, str] | None:
    """Client id and secret from an `Authorization: Basic` header (how slack_sdk sends them)."""
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(value.strip()).decode().partition(":")
    except ValueError:
        return None
    return client_id, secret
