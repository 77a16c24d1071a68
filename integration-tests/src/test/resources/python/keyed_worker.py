"""A per-key worker for the scale-out test: accepts on fd 0 (the listening socket Sluice hands over), reads the PROXY
v2 header Sluice writes first on each connection (proxy-protocol: v2), greets the session with one line of facts:
the Sluice instance it belongs to (SLUICE_IT_INSTANCE), its pid, its key, and the client and destination addresses
the header carried; then echoes until EOF."""
import ipaddress
import os
import socket
import struct
import threading

SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
listener = socket.socket(fileno=0)


def read_exactly(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise EOFError("closed after %d of %d bytes" % (len(data), count))
        data += chunk
    return data


def addresses(connection):
    """(client, destination) as IP:PORT from the v2 header (section 2.2), or ('none', 'none') without one."""
    head = read_exactly(connection, 16)
    if head[:12] != SIGNATURE:
        return "none", "none"
    family = head[13] >> 4
    body = read_exactly(connection, struct.unpack("!H", head[14:16])[0])
    if family == 1:
        source, destination, sport, dport = struct.unpack("!4s4sHH", body[:12])
        return ("%s:%d" % (ipaddress.IPv4Address(source), sport),
                "%s:%d" % (ipaddress.IPv4Address(destination), dport))
    if family == 2:
        source, destination, sport, dport = struct.unpack("!16s16sHH", body[:36])
        return ("[%s]:%d" % (ipaddress.IPv6Address(source), sport),
                "[%s]:%d" % (ipaddress.IPv6Address(destination), dport))
    return "unspec", "unspec"


def serve(connection):
    try:
        client, destination = addresses(connection)
        facts = "instance=%s pid=%d key=%s client=%s to=%s\n" % (
            os.environ.get("SLUICE_IT_INSTANCE", "-"), os.getpid(), os.environ.get("SLUICE_KEY", "-"), client,
            destination)
        connection.sendall(facts.encode())
        while True:
            data = connection.recv(65536)
            if not data:
                break
            connection.sendall(data)
    except (EOFError, OSError):
        pass
    finally:
        connection.close()


while True:
    connection, _ = listener.accept()
    threading.Thread(target=serve, args=(connection,), daemon=True).start()
