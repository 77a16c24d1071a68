# Reads one JSON text on stdin with Python's strict parser (duplicate keys, NaN and Infinity are errors) and prints
# every scalar as PATH=VALUE, VALUE in JSON form, in document order: {"a":{"b":[1,"x"]}} gives a.b[0]=1 and a.b[1]="x".
import json
import sys


def no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError("duplicate key %r" % key)
        seen[key] = value
    return seen


def no_constant(name):
    raise ValueError("not JSON: %s" % name)


def walk(path, value, out):
    if isinstance(value, dict):
        out.append("%s={}" % path if not value else None)
        for key, inner in value.items():
            walk("%s.%s" % (path, key) if path else key, inner, out)
    elif isinstance(value, list):
        out.append("%s=[]" % path if not value else None)
        for index, inner in enumerate(value):
            walk("%s[%d]" % (path, index), inner, out)
    else:
        out.append("%s=%s" % (path, json.dumps(value, ensure_ascii=False)))


raw = sys.stdin.buffer.read().decode("utf-8", errors="strict")
document = json.loads(raw, object_pairs_hook=no_duplicates, parse_constant=no_constant)
lines = []
walk("", document, lines)
sys.stdout.buffer.write("".join(line + "\n" for line in lines if line).encode("utf-8"))
