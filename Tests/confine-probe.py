# Performs file operations given as "op path" pairs on the command line and prints one line
# each: "op path: ok", or the errno's name ("op path: EACCES"). The confined commands of the
# confinement tests (Tests/WirTests/ConfineTests.swift, bindings/python/tests/test_confine.py).
# op: append (open "a"), overwrite (open "r+"), create (open "x"), mkdir, replace (write
# path.tmp, rename it over path), truncate (truncate(2)), remove, move (path is "from:to").
import errno, os, sys
args = sys.argv[1:]
for op, path in zip(args[::2], args[1::2]):
    try:
        if op == "append":
            with open(path, "a") as f: f.write("x")
        elif op == "overwrite":
            with open(path, "r+") as f: f.write("new")
        elif op == "create":
            with open(path, "x") as f: f.write("new")
        elif op == "mkdir":
            os.mkdir(path)
        elif op == "replace":
            with open(path + ".tmp", "w") as f: f.write("replaced")
            os.replace(path + ".tmp", path)
        elif op == "truncate":
            os.truncate(path, 0)
        elif op == "remove":
            os.remove(path)
        elif op == "move":
            source, target = path.split(":")
            os.rename(source, target)
        print(op, path + ": ok")
    except OSError as error:
        print(op, path + ": " + errno.errorcode[error.errno])
