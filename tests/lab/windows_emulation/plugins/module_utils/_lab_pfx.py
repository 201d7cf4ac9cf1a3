# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which encryption a PKCS#12 (PFX) file uses, read with a small DER reader (RFC 7292).

Windows Server 2016 and 2012 R2 (builds below 17763) cannot decrypt PBES2 (the OpenSSL 3 and
``cryptography`` BestAvailableEncryption default) and fail with "The specified network password
is not correct." (docs/docsite/rst/rras.rst "Platform facts"). The lab's win_certificate_store needs to tell such a
file from the legacy PBE-SHA1-3DES form, so this walks the visible structure:

    PFX ::= SEQUENCE { version, authSafe ContentInfo, macData OPTIONAL }
    authSafe: ContentInfo (data) whose OCTET STRING holds AuthenticatedSafe ::= SEQUENCE OF ContentInfo
    each ContentInfo: data (OCTET STRING of SafeContents) or encryptedData
        (EncryptedData ::= SEQUENCE { version, EncryptedContentInfo ::= SEQUENCE { type, AlgorithmIdentifier, [0] ... } })
    SafeContents ::= SEQUENCE OF SafeBag { bagId, [0] bagValue, attributes OPTIONAL }
    pkcs8ShroudedKeyBag bagValue: EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }

and returns the algorithm OIDs of every encrypted ContentInfo and of every shrouded key bag in a
plain data ContentInfo. Bags inside an encrypted ContentInfo stay unseen (their container's
algorithm decides). Only definite-length DER is read; anything else raises ValueError.
"""

from __future__ import annotations

OID_DATA = "1.2.840.113549.1.7.1"
OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
OID_PBES2 = "1.2.840.113549.1.5.13"
OID_PBE_SHA1_3DES = "1.2.840.113549.1.12.1.3"

_SEQUENCE, _OCTET_STRING, _OID, _CONTEXT_0 = 0x30, 0x04, 0x06, 0xA0


def _read(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """``(tag, content, next offset)`` of the DER element at ``offset``."""
    if offset + 2 > len(data):
        raise ValueError("truncated DER element")
    tag, length = data[offset], data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or offset + count > len(data):
            raise ValueError("unsupported DER length")
        length = int.from_bytes(data[offset:offset + count], "big")
        offset += count
    if offset + length > len(data):
        raise ValueError("truncated DER element")
    return tag, data[offset:offset + length], offset + length


def _children(content: bytes) -> list[tuple[int, bytes]]:
    items, offset = [], 0
    while offset < len(content):
        tag, value, offset = _read(content, offset)
        items.append((tag, value))
    return items


def _oid(content: bytes) -> str:
    first = content[0]
    arcs = [first // 40 if first < 80 else 2, first % 40 if first < 80 else first - 80]
    value = 0
    for byte in content[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    return ".".join(str(arc) for arc in arcs)


def _expect(item: tuple[int, bytes], tag: int) -> bytes:
    if item[0] != tag:
        raise ValueError(f"unexpected DER tag 0x{item[0]:02x}, wanted 0x{tag:02x}")
    return item[1]


def _algorithm(identifier: bytes) -> str:
    return _oid(_expect(_children(identifier)[0], _OID))


def encryption_algorithms(pfx: bytes) -> list[str]:
    """OIDs of the encryption algorithms visible in a PFX (see the module docstring), in file order."""
    tag, body, _end = _read(pfx)
    _expect((tag, body), _SEQUENCE)
    auth_safe = _children(_expect(_children(body)[1], _SEQUENCE))
    if _oid(_expect(auth_safe[0], _OID)) != OID_DATA:
        raise ValueError("PFX authSafe is not of type data (public-key integrity mode is not supported)")
    safes = _expect(_read(_expect(auth_safe[1], _CONTEXT_0))[:2], _OCTET_STRING)
    found = []
    for info in _children(_expect(_read(safes)[:2], _SEQUENCE)):
        fields = _children(_expect(info, _SEQUENCE))
        kind, wrapped = _oid(_expect(fields[0], _OID)), _expect(fields[1], _CONTEXT_0)
        if kind == OID_ENCRYPTED_DATA:
            encrypted_data = _children(_expect(_read(wrapped)[:2], _SEQUENCE))
            content_info = _children(_expect(encrypted_data[1], _SEQUENCE))
            found.append(_algorithm(_expect(content_info[1], _SEQUENCE)))
        elif kind == OID_DATA:
            bags = _expect(_read(_expect(_read(wrapped)[:2], _OCTET_STRING))[:2], _SEQUENCE)
            for bag in _children(bags):
                bag_fields = _children(_expect(bag, _SEQUENCE))
                if _oid(_expect(bag_fields[0], _OID)) == OID_SHROUDED_KEY_BAG:
                    key_info = _children(_expect(_read(_expect(bag_fields[1], _CONTEXT_0))[:2], _SEQUENCE))
                    found.append(_algorithm(_expect(key_info[0], _SEQUENCE)))
    return found
