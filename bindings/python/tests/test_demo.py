"""The #12684 trajectory demo, both ways, and the two-profile example."""
import re
import subprocess
import sys

from conftest import ROOT

EXAMPLES = ROOT / "examples" / "python"


def run_trajectories(tmp_path, env, *extra):
    result = subprocess.run([sys.executable, str(EXAMPLES / "trajectories.py"), "--workers", "4", "--records", "25",
                             "--dir", str(tmp_path), *extra], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    fields = dict(re.findall(r"(\w[\w-]*)=(\S+)", result.stdout))
    print(result.stdout.strip())
    return int(fields["lines"]), int(fields["bad"]), int(fields["missing"])


def test_with_wir_no_line_is_corrupt(tmp_path, python_env):
    lines, bad, missing = run_trajectories(tmp_path / "wir", python_env)
    assert bad == 0 and missing == 0 and lines == 100


def test_without_wir_is_only_reported(tmp_path, python_env):
    (tmp_path / "plain").mkdir()
    lines, bad, missing = run_trajectories(tmp_path / "plain", python_env, "--no-wir")
    # Corruption is likely, not guaranteed: this run only reports it.
    print(f"no-wir run: {bad} bad of {lines} lines, {missing} records missing")


def run_example(name, env):
    result = subprocess.run([sys.executable, str(EXAMPLES / name)], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_two_profiles_refused_then_queued(python_env):
    result = run_example("profiles.py", python_env)
    assert "td-002 refused" in result.stdout and "held by td-001" in result.stdout
    assert "td-002 admitted after waiting" in result.stdout


def test_the_dispatcher_hands_claims_to_workers_and_fans_out(python_env):
    result = run_example("dispatcher.py", python_env)
    assert "rebuild-docs waits" in result.stdout and "held by render-docs" in result.stdout
    assert "every task ran once, no two writers met" in result.stdout
