#!/usr/bin/env python3
"""A per-connection program: reads lines from stdin, answers each on stdout (standard library only).

Sluice starts one per WebSocket session with the session as stdin and stdout and the request as CGI variables.
`-u` is not needed here because the program flushes after every line; see docs/per-connection.md on buffering.
"""
import os
import sys

who = os.environ.get("REMOTE_ADDR", "?")
print(f"hello {who}, this is session {os.environ.get('SLUICE_SESSION_ID')}; send 'bye' to end", flush=True)
for line in sys.stdin:
    line = line.rstrip("\n")
    if line == "bye":
        print("bye", flush=True)
        sys.exit(0)  # exit 0: everything printed reaches the client, then CLOSE 1000
    print(line.upper(), flush=True)
# stdin at end of file: the client went away
