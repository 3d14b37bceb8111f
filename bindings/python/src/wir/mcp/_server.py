"""The MCP server's tools over one registry: claims the server process owns, keys it keeps."""

from __future__ import annotations

import contextlib
import time
from datetime import datetime, timezone
from typing import Any, Literal

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from .._claim import Claim
from .._errors import ClaimBlocked, ClaimLost, ClaimTimeout, Conflict, WirError
from .._registry import Registry

#: A queued claim waits this long unless the tool call says otherwise: a tool call never hangs.
DEFAULT_TIMEOUT = 30.0


class ConflictInfo(BaseModel):
    """One overlapping pair: a path asked for and what another task holds (or waits for)."""
    path: str = Field(description="the path (or glob) asked for, canonical")
    held_path: str = Field(description="the overlapping path (or glob) the other task holds or waits for")
    holder_task_id: str = Field(description="the other task's id")
    owner_pid: int = Field(description="the pid of the other task's owner")
    owner_host: str = Field(description="the host of the other task's owner")
    holder_waiting: bool = Field(description="true when the other task is queued ahead, not holding")
    lease_ends_at: str | None = Field(description="when the holder's lease ends (ISO 8601, UTC); null when it "
                                                  "is held while its owner runs, or queued")
    hint: str = Field(description="how long to wait, or what to do instead")


class ClaimOutcome(BaseModel):
    """What became of a claim."""
    status: Literal["admitted", "refused", "timed-out"]
    task_id: str = Field(description="the claim's task id: pass it to release, heartbeat, or claim again to grow")
    token: int | None = Field(description="the fencing token (admitted only)")
    paths: list[str] = Field(description="the entries the claim holds (admitted) or asked for")
    lease_ends_at: str | None = Field(description="when the lease ends (ISO 8601, UTC); null when held while "
                                                  "this server runs")
    conflicts: list[ConflictInfo] = Field(description="refused or timed out: every overlap; admitted under "
                                                      "policy warn: the overlaps it ignored")
    message: str


class ReleaseOutcome(BaseModel):
    task_id: str
    released: bool = Field(description="false when the claim had already ended (lost: lapsed, forced, parent ended)")
    message: str


class HeartbeatOutcome(BaseModel):
    task_id: str
    held: bool = Field(description="false when the claim has ended")
    lease_ends_at: str | None
    message: str


class Listing(BaseModel):
    """Claims in flight and queued waiters (schema: wir's docs/json.md)."""
    claims: list[dict[str, Any]]
    waiters: list[dict[str, Any]]


class Rows(BaseModel):
    """Rows of the conflict log or the history, oldest first (schema: wir's docs/json.md)."""
    rows: list[dict[str, Any]]


def iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(timezone.utc).isoformat(timespec="seconds")


def hint(conflict: Conflict) -> str:
    """How long to wait for what blocks, or what to do instead."""
    if conflict.holder_waiting:
        return "another task is queued ahead for it; claim with policy 'queue' to wait your turn in fair order"
    if conflict.holder_while_alive or conflict.expires_at is None:
        return (f"held while its owner (pid {conflict.pid} on {conflict.host}) runs, with no lease end; claim with "
                "policy 'queue' and a timeout to wait for it, or work on other files meanwhile")
    seconds = max(0, round(conflict.expires_at.timestamp() - time.time()))
    return (f"its lease ends in about {seconds} s unless renewed; try again then, claim with policy 'queue' and a "
            "timeout to wait for its release, or work on other files meanwhile")


def conflict_info(conflict: Conflict) -> ConflictInfo:
    return ConflictInfo(path=conflict.requested_path, held_path=conflict.held_path,
                        holder_task_id=conflict.holder_task_id, owner_pid=conflict.pid, owner_host=conflict.host,
                        holder_waiting=conflict.holder_waiting,
                        lease_ends_at=None if conflict.holder_waiting or conflict.holder_while_alive
                        else iso(conflict.expires_at),
                        hint=hint(conflict))


class Claims:
    """The claims this server made, by task id, with their keys. Used from the event loop's
    thread and the worker threads the queue waits in; each call touches one claim."""

    def __init__(self, registry: Registry, label: str):
        self.registry = registry
        self.label = label
        self.held: dict[str, Claim] = {}
        #: Each held claim's TTL in seconds (None: held while this server runs).
        self.ttls: dict[str, float | None] = {}

    def claim(self, writes: list[str], reads: list[str], policy: str | None, timeout: float | None,
              ttl: float | None, task_id: str | None, label: str | None) -> ClaimOutcome:
        held = self.held.get(task_id) if task_id else None
        try:
            if held is not None and not held.released:
                held.grow(writes, reads, policy=policy, timeout=timeout)
                claim = held
            else:
                claim = self.registry.claim(writes, reads, task_id=task_id, policy=policy, timeout=timeout,
                                            ttl=ttl, label=label or self.label)
                self.held[claim.task_id] = claim
                self.ttls[claim.task_id] = ttl
        except ClaimBlocked as refused:
            status = "timed-out" if isinstance(refused, ClaimTimeout) else "refused"
            holders = sorted({c.holder_task_id for c in refused.conflicts})
            return ClaimOutcome(status=status, task_id=refused.task_id or task_id or "", token=None,
                                paths=sorted({c.requested_path for c in refused.conflicts}), lease_ends_at=None,
                                conflicts=[conflict_info(c) for c in refused.conflicts],
                                message=f"{status}: held by task {', '.join(holders)}; nothing was claimed")
        except WirError as error:
            raise ToolError(str(error)) from error
        return ClaimOutcome(status="admitted", task_id=claim.task_id, token=claim.token, paths=list(claim.paths),
                            lease_ends_at=None if self.ttls.get(claim.task_id) is None else iso(claim.expires_at),
                            conflicts=[conflict_info(c) for c in claim.conflicts],
                            message=f"admitted: write only while you hold it, then release task {claim.task_id}")

    def release(self, task_id: str, outcome: str) -> ReleaseOutcome:
        claim = self.mine(task_id)
        try:
            claim.release(outcome)
        except ClaimLost:
            return ReleaseOutcome(task_id=task_id, released=False,
                                  message="the claim had already ended (its lease lapsed, it was released by force, "
                                          "or its parent ended); others may have written its paths")
        except (WirError, ValueError) as error:
            raise ToolError(str(error)) from error
        finally:
            if claim.released:
                self.held.pop(task_id, None)
        return ReleaseOutcome(task_id=task_id, released=True, message=f"released as {outcome}")

    def heartbeat(self, task_id: str, ttl: float | None) -> HeartbeatOutcome:
        claim = self.mine(task_id)
        try:
            claim.heartbeat(ttl)
        except ClaimLost:
            self.held.pop(task_id, None)
            return HeartbeatOutcome(task_id=task_id, held=False, lease_ends_at=None,
                                    message="the claim has ended: stop writing its paths")
        except WirError as error:
            raise ToolError(str(error)) from error
        return HeartbeatOutcome(task_id=task_id, held=True, lease_ends_at=iso(claim.expires_at), message="renewed")

    def mine(self, task_id: str) -> Claim:
        claim = self.held.get(task_id)
        if claim is None:
            raise ToolError(f"task {task_id!r} is not a claim this session made"
                            + (f" (it holds: {', '.join(sorted(self.held))})" if self.held else ""))
        return claim

    def release_all(self) -> None:
        """The client is gone: release what it still holds."""
        for task_id, claim in list(self.held.items()):
            with contextlib.suppress(WirError):
                claim.release("cancelled")
            self.held.pop(task_id, None)


def build(registry: Registry, label: str = "wir-mcp") -> tuple[MCPServer, Claims]:
    """The server and its claim book (separate, so a test can look at both)."""
    claims = Claims(registry, label)

    @contextlib.asynccontextmanager
    async def session(_server):
        try:
            yield {}
        finally:
            claims.release_all()

    server = MCPServer("wir", instructions=(
        "wir coordinates writers: claim the paths you will write before you start; if refused, the result names "
        "who holds them and how long to wait. Release when done. Claims last while this session runs."),
        lifespan=session)

    @server.tool(name="claim")
    async def claim(writes: list[str] = [], reads: list[str] = [],  # noqa: B006 (the schema's defaults)
                    policy: Literal["refuse", "queue", "warn"] | None = None,
                    timeout: float | None = Field(None, description=f"seconds a queued claim waits (default "
                                                  f"{DEFAULT_TIMEOUT:g}; 0 tries once)"),
                    ttl: float | None = Field(None, description="a lease in seconds, renewed with heartbeat; "
                                              "default: held while this session runs"),
                    task_id: str | None = Field(None, description="claim under this id; one this session holds "
                                                "grows by the new paths"),
                    label: str | None = None) -> ClaimOutcome:
        """Claim paths (or globs) you will write (and read) before you start, all or nothing. Admitted: you
        hold them until you release them or this session ends. Refused: nothing was claimed; each conflict
        names the holder, its owner and when its lease ends, with a hint how long to wait."""
        wait = DEFAULT_TIMEOUT if timeout is None else timeout
        return await anyio.to_thread.run_sync(claims.claim, writes, reads, policy, wait, ttl, task_id, label)

    @server.tool(name="release")
    def release(task_id: str, outcome: Literal["completed", "failed", "cancelled"] = "completed") -> ReleaseOutcome:
        """Release a claim this session made: its paths are free at once."""
        return claims.release(task_id, outcome)

    @server.tool(name="heartbeat")
    def heartbeat(task_id: str, ttl: float | None = Field(None, description="seconds from now (default: the "
                                                                             "claim's TTL)")) -> HeartbeatOutcome:
        """Renew the lease of a claim made with a ttl; says whether it still holds."""
        return claims.heartbeat(task_id, ttl)

    @server.tool(name="who")
    def who(path: str) -> Listing:
        """Who holds a path (a claim whose entry matches it or lies above it) and who waits for it."""
        return Listing(**listing(lambda: registry.who(path)))

    @server.tool(name="list")
    def list_(include_waiters: bool = True) -> Listing:
        """Every claim in flight, and the claims queued for their turn."""
        found = listing(registry.in_flight)
        return Listing(claims=found["claims"], waiters=found["waiters"] if include_waiters else [])

    @server.tool(name="log")
    def log(since_seconds: float | None = Field(None, description="only rows that changed this recently"),
            limit: int = Field(50, ge=1, le=1000),
            outcomes: list[Literal["refused", "warned", "queued", "admitted", "timed-out", "cancelled",
                                   "abandoned"]] | None = None) -> Rows:
        """Recent conflicts: who was refused, queued or warned on what, and who held it."""
        rows = listing(lambda: registry.conflict_log(since=since(since_seconds), limit=100_000 if outcomes else limit))
        if outcomes:
            rows = [row for row in rows if row["outcome"] in outcomes][-limit:]
        return Rows(rows=rows)

    @server.tool(name="history")
    def history(since_seconds: float | None = Field(None, description="only claims that ended this recently"),
                limit: int = Field(50, ge=1, le=1000)) -> Rows:
        """Claims that ended: how (completed, failed, expired, owner-dead, ...) and how long they held."""
        return Rows(rows=listing(lambda: registry.history(since=since(since_seconds), limit=limit)))

    return server, claims


def since(seconds: float | None) -> float | None:
    return None if seconds is None else time.time() - seconds


def listing(read):
    try:
        return read()
    except WirError as error:
        raise ToolError(str(error)) from error


def serve(registry_path: str | None, label: str = "wir-mcp") -> None:
    """Runs the server on stdio until the client disconnects."""
    with Registry(registry_path) as registry:
        server, _ = build(registry, label)
        server.run("stdio")
