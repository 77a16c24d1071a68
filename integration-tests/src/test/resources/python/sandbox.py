"""A per-user sandbox for the per-key tests: accepts on fd 0 (the listening socket Sluice hands over), keeps state
between sessions (a session counter), greets each session with a line of facts, then echoes. A message that is
exactly "exit N" ends the whole process with status N (a crash, for the tests)."""
import os
import socket
import sys
import threading

listener = socket.socket(fileno=0)
lock = threading.Lock()
sessions = 0


def serve(connection, number):
    facts = "pid=%d uid=%d gid=%d key=%s sessions=%d cwd=%s\n" % (
        os.getpid(), os.getuid(), os.getgid(), os.environ.get("SLUICE_KEY", "-"), number, os.getcwd())
    connection.sendall(facts.encode())
    while True:
        data = connection.recv(65536)
        if not data:
            break
        text = data.decode("ascii", "replace")
        if text.startswith("exit ") and text[5:].isdigit():
            os._exit(int(text[5:]))
        connection.sendall(data)
    connection.close()


while True:
    connection, _ = listener.accept()
    with lock:
        sessions += 1
        number = sessions
    threading.Thread(target=serve, args=(connection, number), daemon=True).start()
