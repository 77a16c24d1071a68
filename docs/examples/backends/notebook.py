#!/usr/bin/env python3
"""A per-user notebook for Sluice's per-key workers (standard library only): one process per user.

Sluice starts one of these for each user (instances: per-key), with its listening socket as fd 0, the user's key in
SLUICE_KEY and the user's own folder as its working directory. Every session of that user, in any tab and after any
reconnect, comes to this same process, so it can keep state in memory: here the notes and how many sessions it has
seen. The notes are also appended to notes.txt in the user's folder, so they outlive the process (idle-timeout).

Each message is a command: "add TEXT" stores a note, "list" sends them back, anything else is echoed.
"""
import os
import socket
import threading

user = os.environ.get("SLUICE_KEY", "nobody")
lock = threading.Lock()
sessions = 0
notes = []
if os.path.exists("notes.txt"):
    with open("notes.txt", encoding="utf-8") as saved:
        notes = [line.rstrip("\n") for line in saved]


def serve(conn, number):
    with conn:
        conn.sendall(("hello %s: session %d of this process (pid %d), %d notes\n"
                      % (user, number, os.getpid(), len(notes))).encode())
        while True:
            data = conn.recv(65536)
            if not data:
                return
            text = data.decode("utf-8", "replace").strip()
            if text.startswith("add "):
                with lock:
                    notes.append(text[4:])
                    with open("notes.txt", "a", encoding="utf-8") as saved:
                        saved.write(text[4:] + "\n")
                conn.sendall(b"ok\n")
            elif text == "list":
                with lock:
                    conn.sendall(("".join(note + "\n" for note in notes) or "(no notes)\n").encode())
            else:
                conn.sendall(data)


def main():
    global sessions
    listener = socket.socket(fileno=0)  # the listening socket Sluice made for this user's worker
    while True:
        conn, _ = listener.accept()
        with lock:
            sessions += 1
            number = sessions
        threading.Thread(target=serve, args=(conn, number), daemon=True).start()


if __name__ == "__main__":
    main()
