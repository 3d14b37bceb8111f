"""`wir guard`, the installed command, as a real pre-commit hook in a real git repository."""
import os
import shutil
import subprocess

import pytest

import wir

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    env = dict(os.environ, WIR_REGISTRY=str(tmp_path / "registry.db"), GIT_AUTHOR_NAME="t", GIT_COMMITTER_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_EMAIL="t@example.invalid", HOME=str(tmp_path))
    env.pop("WIR_TASK_ID", None)
    for command in (["git", "init", "-q"], ["git", "config", "commit.gpgsign", "false"]):
        subprocess.run(command, cwd=root, env=env, check=True)
    (root / "src").mkdir()
    (root / "src" / "a.py").write_text("a = 1\n")
    (root / "README").write_text("hello\n")
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "start"], cwd=root, env=env, check=True)
    return root, env


def git(root, env, *arguments):
    return subprocess.run(["git", *arguments], cwd=root, env=env, capture_output=True, text=True)


def change(root, env, path, text):
    (root / path).write_text(text)
    assert git(root, env, "add", path).returncode == 0


def test_a_commit_touching_a_held_path_is_refused_and_the_holders_own_passes(repo, installed_wir):
    root, env = repo
    installed = subprocess.run([installed_wir, "guard", "--install"], cwd=root, env=env, capture_output=True, text=True)
    assert installed.returncode == 0 and "installed" in installed.stdout
    assert os.access(root / ".git" / "hooks" / "pre-commit", os.X_OK)
    registry = wir.Registry(env["WIR_REGISTRY"])
    with registry.claim(writes=[root / "src"], task_id="refactor", ttl=None):
        change(root, env, "README", "hello again\n")
        assert git(root, env, "commit", "-q", "-m", "docs").returncode == 0, "nothing staged is held"
        change(root, env, "src/a.py", "a = 2\n")
        refused = git(root, env, "commit", "-q", "-m", "mine")
        assert refused.returncode != 0
        assert "src/a.py is held by task 'refactor'" in refused.stderr and f"pid {os.getpid()}" in refused.stderr
        assert "commit refused" in refused.stderr
        assert git(root, env, "log", "--format=%s").stdout.split() == ["docs", "start"]
        # The holder's own commit passes: from its task (wir run sets WIR_TASK_ID) or with --task.
        own = git(root, dict(env, WIR_TASK_ID="refactor"), "commit", "-q", "-m", "refactor")
        assert own.returncode == 0, own.stderr
        assert registry.conflict_log() == [], "the guard claims and logs nothing"
    change(root, env, "src/a.py", "a = 3\n")
    assert git(root, env, "commit", "-q", "-m", "after").returncode == 0, "released: free to commit"
    assert git(root, env, "log", "--format=%s").stdout.split() == ["after", "refactor", "docs", "start"]


def test_inside_wir_run_the_commit_is_the_holders_own(repo, installed_wir):
    root, env = repo
    subprocess.run([installed_wir, "guard", "--install"], cwd=root, env=env, check=True, capture_output=True)
    change(root, env, "src/a.py", "a = 4\n")
    run = subprocess.run([installed_wir, "run", "--writes", str(root / "src"), "--", "git", "commit", "-q", "-m", "run"],
                         cwd=root, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_warn_reports_without_refusing_and_an_existing_hook_is_chained(repo, installed_wir):
    root, env = repo
    hooks = root / ".git" / "hooks"
    (hooks / "pre-commit").write_text("#!/bin/sh\necho earlier hook ran >&2\n")
    (hooks / "pre-commit").chmod(0o755)
    first = subprocess.run([installed_wir, "guard", "--install", "--warn"], cwd=root, env=env, capture_output=True,
                           text=True)
    assert first.returncode == 0 and "pre-commit.before-wir" in first.stdout
    again = subprocess.run([installed_wir, "guard", "--install"], cwd=root, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "already" in again.stdout
    with wir.Registry(env["WIR_REGISTRY"]).claim(writes=[root / "README"], task_id="docs-writer"):
        change(root, env, "README", "changed\n")
        warned = git(root, env, "commit", "-q", "-m", "anyway")
        assert warned.returncode == 0
        assert "warning" in warned.stderr and "README is held by task 'docs-writer'" in warned.stderr
        assert "earlier hook ran" in warned.stderr


def test_guard_outside_a_repository_says_so(tmp_path, installed_wir):
    result = subprocess.run([installed_wir, "guard"], cwd=tmp_path, capture_output=True, text=True,
                            env=dict(os.environ, WIR_REGISTRY=str(tmp_path / "r.db"), GIT_CEILING_DIRECTORIES=str(tmp_path)))
    assert result.returncode == 64 and "wir guard: git rev-parse --show-toplevel failed" in result.stderr


def test_where_there_is_no_registry_the_commit_passes_and_none_is_made(repo, installed_wir):
    root, env = repo
    assert subprocess.run([installed_wir, "guard", "--install"], cwd=root, env=env).returncode == 0
    change(root, env, "src/a.py", "a = 2\n")
    committed = git(root, env, "commit", "-q", "-m", "first")
    assert committed.returncode == 0, committed.stderr
    assert not os.path.exists(env["WIR_REGISTRY"]), "a check that finds nothing claimed makes no registry"
