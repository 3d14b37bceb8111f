"""The MCP server, driven by the official MCP SDK's own client over stdio: each client session
is a `python -m wir.mcp` process, as an agent host starts it."""
import asyncio
import os
import sys
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

mcp = pytest.importorskip("mcp", reason="the MCP SDK is an optional extra (pip install 'wir[mcp]')")
jsonschema = pytest.importorskip("jsonschema")

from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

import wir  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]


def server(registry: Path, cwd: Path) -> StdioServerParameters:
    env = {"PYTHONPATH": str(ROOT / "bindings" / "python" / "src")}
    if os.environ.get("WIR_LIBRARY"):
        env["WIR_LIBRARY"] = os.environ["WIR_LIBRARY"]
    return StdioServerParameters(command=sys.executable, args=["-m", "wir.mcp", "--registry", str(registry)],
                                 env=env, cwd=str(cwd))


async def open_session(stack: AsyncExitStack, params: StdioServerParameters) -> ClientSession:
    read, write = await stack.enter_async_context(stdio_client(params))
    session = await stack.enter_async_context(ClientSession(read, write))
    await session.initialize()
    await session.list_tools()          # the client validates structured results against these schemas
    return session


async def call(session: ClientSession, tool: str, **arguments) -> dict:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 120))


def test_two_sessions_contend_and_the_holders_end_admits_the_other(tmp_path):
    registry = tmp_path / "registry.db"
    params = server(registry, tmp_path)
    target = str(tmp_path / "state.json")

    async def scenario():
        async with AsyncExitStack() as second_stack:
            second = await open_session(second_stack, params)
            async with AsyncExitStack() as first_stack:
                first = await open_session(first_stack, params)
                held = await call(first, "claim", writes=[target], task_id="agent-one", label="first agent")
                assert held["status"] == "admitted" and held["task_id"] == "agent-one" and held["token"] >= 1
                assert held["lease_ends_at"] is None          # held while the first server runs
                refused = await call(second, "claim", writes=[target], task_id="agent-two")
                assert refused["status"] == "refused"
                [conflict] = refused["conflicts"]
                assert conflict["holder_task_id"] == "agent-one" and conflict["held_path"] == target
                assert conflict["owner_host"] and conflict["owner_pid"] > 0
                assert "held while its owner" in conflict["hint"]
                # The registry agrees: the first server's process owns the claim, with no key shown.
                listed = await call(second, "list")
                [claim] = listed["claims"]
                assert claim["task_id"] == "agent-one" and claim["owner"]["pid"] == conflict["owner_pid"]
                assert "key" not in str(listed)
                who = await call(second, "who", path=target)
                assert [c["task_id"] for c in who["claims"]] == ["agent-one"]
                log = await call(second, "log", outcomes=["refused"])
                assert [(row["task_id"], row["holder"]["task_id"]) for row in log["rows"]] == [("agent-two", "agent-one")]
            # The first session ended: its server released the claim (or died with it).
            admitted = await call(second, "claim", writes=[target], task_id="agent-two")
            assert admitted["status"] == "admitted"
            ended = await call(second, "history")
            assert [(row["task_id"], row["reason"]) for row in ended["rows"]] == [("agent-one", "cancelled")]
            released = await call(second, "release", task_id="agent-two")
            assert released["released"] is True
        return True

    assert run(scenario())
    assert wir.Registry(registry).in_flight() == {"claims": [], "waiters": []}


def test_tool_schemas_validate_and_keys_stay_in_the_server(tmp_path):
    registry = tmp_path / "registry.db"

    async def scenario():
        async with AsyncExitStack() as stack:
            session = await open_session(stack, server(registry, tmp_path))
            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            assert set(tools) == {"claim", "release", "heartbeat", "who", "list", "log", "history"}
            for tool in tools.values():
                jsonschema.Draft202012Validator.check_schema(tool.input_schema)
                assert tool.output_schema is not None, f"{tool.name} has no output schema"
                jsonschema.Draft202012Validator.check_schema(tool.output_schema)
            claim_input = tools["claim"].input_schema["properties"]
            assert {"writes", "reads", "policy", "timeout", "ttl", "task_id", "label"} <= set(claim_input)
            # A lease, renewed by heartbeat; a grown claim keeps its task id; nothing shows a key.
            held = await call(session, "claim", writes=["a.txt"], ttl=60)
            assert held["lease_ends_at"] is not None
            grown = await call(session, "claim", writes=["b.txt"], task_id=held["task_id"])
            assert grown["token"] > held["token"] and len(grown["paths"]) == 2
            beat = await call(session, "heartbeat", task_id=held["task_id"], ttl=120)
            assert beat["held"] is True
            key = wir.Registry(registry).in_flight()["claims"][0]
            everything = [held, grown, beat, await call(session, "list"), await call(session, "history")]
            assert "key" not in str(everything) and "secret" not in str(everything)
            # Bad input: a clear error naming the problem, as the tool's error result.
            bad = await session.call_tool("claim", {"writes": ["~/x"]})
            assert bad.is_error and "starts with '~'" in bad.content[0].text
            stranger = await session.call_tool("release", {"task_id": "someone-else"})
            assert stranger.is_error and "not a claim this session made" in stranger.content[0].text
            wrong = await session.call_tool("claim", {"writes": "not a list"})
            assert wrong.is_error
            return key

    assert run(scenario())["task_id"]
