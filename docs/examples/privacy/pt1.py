#!/usr/bin/env python3
"""Reference implementation of Vigie's pt1 patient tokens (docs/privacy.md).

For an establishment's re-identification tool: it recomputes the token of a known identifier
with the establishment's own key and compares it with the token shown in an alert. It must give
the same tokens as src/enrich/pseudonym.cpp (tests/unit/enrich/pseudonym_test.cpp checks the
values printed by `python3 pt1.py --self-test`).

    python3 pt1.py KEYFILE DOMAIN KIND VALUE     # prints the token
    python3 pt1.py --self-test                   # prints the test vectors

KIND is ipp, nir, fhir, name, family, birth or nda. The value is read from the command line here
for simplicity; a real tool should read it from stdin or a file so it does not land in shell
history.
"""
import base64
import datetime
import hashlib
import hmac
import re
import sys
import unicodedata

SPECIAL = {"æ": "ae", "œ": "oe", "ß": "ss", "ø": "o", "đ": "d", "ð": "d", "ł": "l",
           "þ": "th", "ħ": "h", "ŧ": "t", "ı": "i", "ĸ": "k", "ŀ": "l", "ŉ": "n", "ſ": "s",
           "ŋ": "n", "ĳ": "ij"}


def latin_base(ch):
    cp = ord(ch)
    if not (0xC0 <= cp <= 0x24F or 0x1E00 <= cp <= 0x1EFF):
        return ""
    d = "".join(c for c in unicodedata.normalize("NFD", ch) if not "\u0300" <= c <= "\u036f")
    if d.isascii() and d.isalpha():
        return d.lower()
    low = ch.lower()
    return SPECIAL[low] if len(low) == 1 and low in SPECIAL else ""


def dropped(cp):
    return 0x300 <= cp <= 0x36F or cp == 0xAD or 0x200B <= cp <= 0x200D or cp == 0xFEFF


def separator(cp):
    if cp < 0x80:
        return not chr(cp).isalnum()
    return (0x80 <= cp <= 0xA0 or cp in (0xB4, 0x2BC, 0x2018, 0x2019, 0x201B, 0x202F, 0x205F,
                                         0x2212, 0x3000)
            or 0x2000 <= cp <= 0x200A or 0x2010 <= cp <= 0x2015)


def words(raw):
    out, cur = [], None
    for ch in raw:
        cp = ord(ch)
        if dropped(cp):
            continue
        if separator(cp):
            cur = None
            continue
        if cur is None:
            cur = []
            out.append(cur)
        if cp < 0x80:
            cur.append(ch.lower())
        elif latin_base(ch):
            cur.append(latin_base(ch))
        else:
            # Vigie lower-cases with simple one-to-one mappings of Latin, Greek, Cyrillic and
            # Armenian letters (vigie::utf8::fold); this matches for those scripts.
            low = ch.lower()
            cur.append(low if len(low) == 1 else ch)
    return ["".join(w) for w in out]


def normalize(kind, raw):
    if len(raw.encode()) > 256:
        raise ValueError("too-long")
    if kind in ("name", "family"):
        w = words(raw)
        if not w:
            raise ValueError("empty")
        return "".join(w) if kind == "family" else " ".join(sorted(w))
    if kind == "nir":
        s = re.sub(r"[ \t\n\r\v\f.\-\u00a0\u202f]", "", raw)
        if not s:
            raise ValueError("empty")
        s = s[:5] + s[5:7].upper() + s[7:]
        if not re.fullmatch(r"[1-8][0-9]{4}([0-9][0-9]|2A|2B)[0-9]{6}([0-9][0-9])?", s):
            raise ValueError("invalid-nir")
        if len(s) == 15:
            n = int(s[:5] + {"2A": "19", "2B": "18"}.get(s[5:7], s[5:7]) + s[7:13])
            if int(s[13:]) != 97 - n % 97:
                raise ValueError("invalid-nir")
        return s[:13]
    if kind == "birth":
        s = raw.strip(" \t\n\r\v\f")
        if not s:
            raise ValueError("empty")
        m = (re.fullmatch(r"([0-9]{4})-([0-9][0-9])-([0-9][0-9])([Tt ].*)?", s) or
             re.fullmatch(r"([0-9]{4})([0-9][0-9])([0-9][0-9])[0-9.+\-]*", s))
        if m:
            y, mo, d = m.group(1), m.group(2), m.group(3)
        else:
            m = re.fullmatch(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4})", s)
            if not m:
                raise ValueError("invalid-date")
            d, mo, y = m.group(1), m.group(3), m.group(4)
        try:
            date = datetime.date(int(y), int(mo), int(d))
        except ValueError:
            raise ValueError("invalid-date") from None
        if date.year < 1000:
            raise ValueError("invalid-date")
        return date.isoformat()
    if kind == "fhir":
        s = re.split(r"[?#]", raw.strip(" \t\n\r\v\f"))[0]
        has_path = "/" in s
        s = s.split("/_history/")[0].rstrip("/")
        m = re.search(r"(?:^|/)Patient/([^/]*)$", s)
        i = m.group(1) if m else ("" if has_path else s)
        if not re.fullmatch(r"[A-Za-z0-9.\-]{1,64}", i):
            raise ValueError("invalid-fhir-reference")
        return "Patient/" + i
    if kind in ("ipp", "nda"):
        s = "".join(c for c in raw if c not in " \t\n\r\v\f")
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in s):
            raise ValueError("invalid-" + kind)
        s = "".join(c.upper() if "a" <= c <= "z" else c for c in s)
        if not s:
            raise ValueError("empty")
        return s.lstrip("0") or "0" if s.isdigit() and s.isascii() else s
    raise ValueError("unknown kind")


def token(key, domain, kind, raw):
    msg = b"vigie.pt1\0" + kind.encode() + b"\0" + domain.encode() + b"\0"
    msg += normalize(kind, raw).encode()
    digest = hmac.new(key, msg, hashlib.sha256).digest()[:16]
    return "pt1:%s:%s" % (kind, base64.b32encode(digest).decode().rstrip("=").lower())


def read_key(path):
    text = "".join(line for line in open(path) if not line.lstrip().startswith("#"))
    key = bytes.fromhex("".join(text.split()))
    if not 32 <= len(key) <= 64:
        raise ValueError("the key must be 32 to 64 bytes")
    return key


SELF_TEST = [("nir", "1 85 05 75 123 456 73"), ("nir", "185052A004123"),
             ("ipp", "000123456"), ("ipp", "123456"),
             ("fhir", "https://fhir.chu-x.fr/fhir/Patient/123/_history/2"), ("fhir", "Patient/123"),
             ("name", "Marc LEROY"), ("name", "leroy, marc"), ("family", "Le Gall"),
             ("family", "LÉ-GALL"), ("name", "Zoë Bîlé-Œuvray"),
             ("birth", "12/05/1985"), ("birth", "19850512"), ("birth", "1985-05-12"),
             ("nda", "000123456"), ("nda", "24000006"), ("nda", " 2400 0006 ")]

if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        key = bytes(range(32))
        for kind, raw in SELF_TEST:
            print("%-7s %-52r %-22r %s" % (kind, raw, normalize(kind, raw),
                                           token(key, "CHU-X", kind, raw)))
        sys.exit(0)
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    print(token(read_key(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]))
