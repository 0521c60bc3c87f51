#!/usr/bin/env python3
"""Repeat one conversation's capture COPIES times, one after the other: each copy gets its own
client port (TCP checksum patched) and time stamps advanced STEP seconds per copy, so a long
capture of many conversations that never close (no FIN, no RST) is built from a real one.

    repeat_capture.py IN.pcapng OUT.pcapng COPIES [STEP_SECONDS] [SERVER_PORT]

Reads pcapng (little-endian, Ethernet, IPv4) as Wireshark writes it; stdlib only."""
import struct
import sys


def blocks(data):
    at = 0
    while at + 12 <= len(data):
        btype, length = struct.unpack_from("<II", data, at)
        yield btype, data[at:at + length]
        at += length


def ticks_per_second(idb):
    # if_tsresol (option 9); microseconds without it.
    at = 16
    while at + 4 <= len(idb) - 4:
        code, length = struct.unpack_from("<HH", idb, at)
        if code == 0:
            break
        if code == 9:
            v = idb[at + 4]
            return 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
        at += 4 + ((length + 3) & ~3)
    return 1_000_000


def fold(x):
    while x >> 16:
        x = (x & 0xFFFF) + (x >> 16)
    return x


def patched(packet, server_port, new_port):
    if len(packet) < 34 or packet[12:14] != b"\x08\x00":
        return packet
    tcp = 14 + (packet[14] & 0x0F) * 4
    src, dst = struct.unpack_from(">HH", packet, tcp)
    p = bytearray(packet)
    old = dst if src == server_port else src
    struct.pack_into(">H", p, tcp + (2 if src == server_port else 0), new_port)
    # RFC 1624: HC' = ~(~HC + ~m + m')
    (checksum,) = struct.unpack_from(">H", p, tcp + 16)
    checksum = ~fold((~checksum & 0xFFFF) + (~old & 0xFFFF) + new_port) & 0xFFFF
    struct.pack_into(">H", p, tcp + 16, checksum)
    return bytes(p)


def main():
    src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    step = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
    server_port = int(sys.argv[5]) if len(sys.argv) > 5 else 135
    data = open(src, "rb").read()
    head, packets, tps = [], [], 1_000_000
    for btype, block in blocks(data):
        if btype == 6:
            iface, hi, lo, caplen, length = struct.unpack_from("<IIIII", block, 8)
            packets.append((iface, (hi << 32) | lo, block[28:28 + caplen], length))
        elif not packets:
            head.append(block)
            if btype == 1:
                tps = ticks_per_second(block)
    with open(dst, "wb") as out:
        for block in head:
            out.write(block)
        for i in range(copies):
            port = 1024 + i % 64000
            shift = int(i * step * tps)
            for iface, ticks, packet, length in packets:
                body = patched(packet, server_port, port)
                pad = b"\0" * (-len(body) % 4)
                total = 32 + len(body) + len(pad)
                t = ticks + shift
                out.write(struct.pack("<IIIIIII", 6, total, iface, t >> 32, t & 0xFFFFFFFF, len(body), length))
                out.write(body + pad + struct.pack("<I", total))


if __name__ == "__main__":
    main()
