"""One task on a registry, as its own process, for the web view's tests (test_ui*.py).

    registry_actor.py REGISTRY hold TASK --writes P... [--label L] [--ttl S|alive] [--sub TASK --sub-writes P...]
    registry_actor.py REGISTRY queue TASK --writes P... [--timeout S]
    registry_actor.py REGISTRY refuse TASK --writes P... [--times N]
    registry_actor.py REGISTRY run TASK --writes P... --outcome completed|failed [--hold S]
    registry_actor.py REGISTRY die TASK --writes P...

``hold`` claims (and a sub-claim under it with ``--sub``), prints ``held KEY`` (the claim's key,
for tests that check it is never shown), and releases each
claim when a line ``release OUTCOME`` arrives on standard input (``cancelled`` at end of input).
``queue`` waits its turn under the queue policy, prints ``admitted``, then releases like
``hold``. ``refuse`` expects to be refused each time (exit 3 if admitted). ``run`` holds for a
while and releases with an outcome. ``die`` claims and exits without releasing (its owner is
gone: the claim ends "owner-dead" when the registry next reaps).
"""

import argparse
import os
import sys
import time

import wir


def release_on_input(claims):
    line = sys.stdin.readline().split()
    outcome = line[1] if len(line) > 1 and line[0] == "release" else "cancelled"
    for claim in reversed(claims):
        claim.release(outcome)
    print("released", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("registry")
    parser.add_argument("action", choices=["hold", "queue", "refuse", "run", "die"])
    parser.add_argument("task")
    parser.add_argument("--writes", nargs="+", required=True)
    parser.add_argument("--label")
    parser.add_argument("--ttl", default="alive")
    parser.add_argument("--sub")
    parser.add_argument("--sub-label")
    parser.add_argument("--sub-writes", nargs="+", default=[])
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--times", type=int, default=1)
    parser.add_argument("--outcome", default="completed")
    parser.add_argument("--hold", type=float, default=0.2)
    arguments = parser.parse_args()
    registry = wir.Registry(arguments.registry)
    ttl = None if arguments.ttl == "alive" else float(arguments.ttl)
    common = dict(task_id=arguments.task, label=arguments.label)

    if arguments.action == "hold":
        claims = [registry.claim(arguments.writes, ttl=ttl, heartbeat=ttl is not None, **common)]
        if arguments.sub:
            claims.append(registry.claim(arguments.sub_writes, task_id=arguments.sub, label=arguments.sub_label,
                                         parent=claims[0], ttl=None))
        print("held", claims[0].key, flush=True)
        release_on_input(claims)
    elif arguments.action == "queue":
        claim = registry.claim(arguments.writes, policy="queue", timeout=arguments.timeout, ttl=None, **common)
        print("admitted", flush=True)
        release_on_input([claim])
    elif arguments.action == "refuse":
        for _ in range(arguments.times):
            try:
                registry.claim(arguments.writes, policy="refuse", **common).release()
            except wir.ClaimConflict:
                continue
            print("admitted, not refused", flush=True)
            return 3
        print("refused", flush=True)
    elif arguments.action == "run":
        with registry.claim(arguments.writes, ttl=ttl, **common) as claim:
            time.sleep(arguments.hold)
            claim.release(arguments.outcome)
        print("done", flush=True)
    elif arguments.action == "die":
        registry.claim(arguments.writes, ttl=None, **common)
        print("held", flush=True)
        os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
