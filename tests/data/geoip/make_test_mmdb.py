#!/usr/bin/env python3
"""Writes the small MaxMind-format (MMDB v2) databases the GeoIP tests read.

No MMDB writer is packaged for Debian, so this is a minimal one (IPv4 tree, 24-bit records,
maps, UTF-8 strings and unsigned integers only), written from the format specification
(https://maxmind.github.io/MaxMind-DB/). The networks are documentation-style placeholders mapped
to invented data; only their shape matters.

    python3 tests/data/geoip/make_test_mmdb.py tests/data/geoip
"""
import ipaddress
import struct
import sys


def enc_uint(value, type_id):
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    return ctrl(type_id, len(raw)) + raw


def ctrl(type_id, size):
    assert size < 285
    small, extra = (size, b"") if size < 29 else (29, bytes([size - 29]))
    if type_id <= 7:
        return bytes([(type_id << 5) | small]) + extra
    return bytes([small, type_id - 7]) + extra  # extended type


def enc(value):
    if isinstance(value, str):
        raw = value.encode()
        return ctrl(2, len(raw)) + raw
    if isinstance(value, dict):
        out = ctrl(7, len(value))
        for k, v in value.items():
            out += enc(k) + enc(v)
        return out
    if isinstance(value, list):
        out = ctrl(11, len(value))
        for v in value:
            out += enc(v)
        return out
    if isinstance(value, tuple):  # (kind, int)
        kind, n = value
        return enc_uint(n, {"u16": 5, "u32": 6, "u64": 9}[kind])
    raise TypeError(value)


def build(networks, database_type):
    # Trie over 32 bits: node = [left, right]; a child is a node index, ("data", i) or None.
    nodes = [[None, None]]
    for net, _ in networks:
        n = ipaddress.ip_network(net)
        bits = int(n.network_address)
        node = 0
        for depth in range(n.prefixlen):
            bit = (bits >> (31 - depth)) & 1
            if depth == n.prefixlen - 1:
                nodes[node][bit] = ("data", net)
            else:
                child = nodes[node][bit]
                if child is None:
                    nodes.append([None, None])
                    child = len(nodes) - 1
                    nodes[node][bit] = child
                node = child
    data = b""
    offsets = {}
    for net, record in networks:
        offsets[net] = len(data)
        data += enc(record)
    count = len(nodes)

    def value(child):
        if child is None:
            return count
        if isinstance(child, tuple):
            return count + 16 + offsets[child[1]]
        return child

    tree = b""
    for left, right in nodes:
        tree += value(left).to_bytes(3, "big") + value(right).to_bytes(3, "big")
    metadata = {
        "binary_format_major_version": ("u16", 2),
        "binary_format_minor_version": ("u16", 0),
        "build_epoch": ("u64", 1764892800),
        "database_type": database_type,
        "description": {"en": "Vigie GeoIP test database"},
        "ip_version": ("u16", 4),
        "languages": ["en"],
        "node_count": ("u32", count),
        "record_size": ("u16", 24),
    }
    return tree + bytes(16) + data + b"\xab\xcd\xefMaxMind.com" + enc(metadata)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    # ip-location-db layout: country_code only.
    with open(f"{out}/country-iplocationdb.mmdb", "wb") as f:
        f.write(build([("90.0.0.0/8", {"country_code": "FR"}),
                       ("45.0.0.0/8", {"country_code": "RU"})], "ip-location-db-test"))
    # MaxMind / DB-IP layout, country and ASN in one file.
    with open(f"{out}/country-asn-maxmind.mmdb", "wb") as f:
        f.write(build([("90.0.0.0/8", {"country": {"iso_code": "FR"},
                                       "autonomous_system_number": ("u32", 3215),
                                       "autonomous_system_organization": "Orange"}),
                       ("185.220.101.0/24", {"country": {"iso_code": "DE"},
                                             "autonomous_system_number": ("u32", 60729),
                                             "autonomous_system_organization": "Tor exit test"})],
                      "GeoLite2-Country-ASN-Test"))


if __name__ == "__main__":
    main()
