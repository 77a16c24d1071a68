#!/usr/bin/env python3
"""A tiny echo backend for Sluice's spawner (standard library only).

Sluice starts it with its listening socket as fd 0, the FastCGI convention lighttpd uses. It accepts connections on
fd 0 forever and sends every byte back on the same connection, one thread per connection. Stop it with SIGTERM.
"""
import socket
import threading


def echo(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)


def main():
    listener = socket.socket(fileno=0)  # family and type are read from the socket itself
    listener.setblocking(True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=echo, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
