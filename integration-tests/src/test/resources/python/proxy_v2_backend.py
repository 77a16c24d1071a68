"""An independent PROXY protocol v2 receiver (HAProxy proxy-protocol.txt, section 2.2) for the tests: listens on the
unix socket given as argv[1] and prints "ready", or, with "--fd0", accepts on the listening socket it inherited as fd 0
(a Sluice worker); for each connection reads and checks the v2 header, answers with one
JSON line of what it carried (command, family, addresses, ports, TLVs), then echoes. A connection without a valid
header gets {"error": ...} and is closed."""
import json
import socket
import struct
import sys
import threading
import ipaddress

SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def read_exactly(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise EOFError("closed after %d of %d bytes" % (len(data), count))
        data += chunk
    return data


def ssl_tlv(value):
    """PP2_TYPE_SSL (section 2.2.5): client bits, verify (uint32), then sub-TLVs (0x21 version, 0x22 CN, ...)."""
    client, verify = value[0], struct.unpack("!I", value[1:5])[0]
    ssl = {"client": client, "verify": verify}
    offset = 5
    while offset < len(value):
        kind, size = value[offset], struct.unpack("!H", value[offset + 1:offset + 3])[0]
        ssl["0x%02x" % kind] = value[offset + 3:offset + 3 + size].decode("utf-8")
        offset += 3 + size
    if offset != len(value):
        raise ValueError("sub-TLVs overrun PP2_TYPE_SSL")
    return ssl


def parse(connection):
    head = read_exactly(connection, 16)
    if head[:12] != SIGNATURE:
        raise ValueError("no v2 signature")
    version, command = head[12] >> 4, head[12] & 0x0F
    family, transport = head[13] >> 4, head[13] & 0x0F
    length = struct.unpack("!H", head[14:16])[0]
    body = read_exactly(connection, length)
    facts = {"version": version, "command": command, "family": family, "transport": transport}
    offset = 0
    if family == 1:
        source, destination, sport, dport = struct.unpack("!4s4sHH", body[:12])
        facts.update(src=str(ipaddress.IPv4Address(source)), dst=str(ipaddress.IPv4Address(destination)),
                     sport=sport, dport=dport)
        offset = 12
    elif family == 2:
        source, destination, sport, dport = struct.unpack("!16s16sHH", body[:36])
        facts.update(src=str(ipaddress.IPv6Address(source)), dst=str(ipaddress.IPv6Address(destination)),
                     sport=sport, dport=dport)
        offset = 36
    tlvs = {}
    while offset < length:
        kind, size = body[offset], struct.unpack("!H", body[offset + 1:offset + 3])[0]
        value = body[offset + 3:offset + 3 + size]
        tlvs["0x%02x" % kind] = ssl_tlv(value) if kind == 0x20 else value.decode("utf-8")
        offset += 3 + size
    if offset != length:
        raise ValueError("TLVs overrun the header length")
    facts["tlvs"] = tlvs
    return facts


def serve(connection):
    try:
        facts = parse(connection)
    except (ValueError, EOFError) as error:
        connection.sendall((json.dumps({"error": str(error)}) + "\n").encode())
        connection.close()
        return
    connection.sendall((json.dumps(facts, sort_keys=True) + "\n").encode())
    while True:
        data = connection.recv(65536)
        if not data:
            break
        connection.sendall(data)
    connection.close()


if sys.argv[1] == "--fd0":
    listener = socket.socket(fileno=0)
else:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sys.argv[1])
    listener.listen(16)
    print("ready", flush=True)
while True:
    accepted, _ = listener.accept()
    threading.Thread(target=serve, args=(accepted,), daemon=True).start()
