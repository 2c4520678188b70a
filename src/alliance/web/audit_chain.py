"""The audit trail's hash chain: each row's digest, and the link that ties it to the row before.

A row's ``digest`` is sha256 over a canonical serialisation of its fields (computed by the
application as the row is inserted); its ``chain`` is sha256 over the previous row's chain and
its own digest (computed by the database, under a lock, see migration 0009). Changing,
removing or inserting a row anywhere but at the end breaks the chain from that row on, and
``first_broken`` finds it. Times count to the millisecond, as a backup file keeps them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64
"""The chain value before the first row."""
FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "clinic_id",
    "patient_id",
    "object_type",
    "object_id",
    "ip",
    "detail",
)
"""The fields a row's digest covers, in this order (every column but the key and the hashes)."""


def digest(row: Mapping[str, Any]) -> str:
    """The hex sha256 of a row's canonical serialisation (a JSON array of ``FIELDS``)."""
    at = row["at"]
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        raise ValueError("an audit row's time must be an aware datetime")
    ip = row["ip"]
    values = [
        at.astimezone(dt.UTC).isoformat(timespec="milliseconds"),
        *(row[name] for name in FIELDS[1:8]),
        str(ipaddress.ip_address(ip)) if ip else None,
        row["detail"],
    ]
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def link(previous: str | None, row_digest: str) -> str:
    """The chain value of a row: sha256 over the previous row's chain (``GENESIS`` for the first
    row) and the row's digest, both as bytes. The database computes the same (migration 0009)."""
    return hashlib.sha256(
        bytes.fromhex(previous or GENESIS) + bytes.fromhex(row_digest)
    ).hexdigest()


def first_broken(rows: Iterable[Mapping[str, Any]]) -> int | None:
    """The id of the first row (in id order) whose digest or chain does not hold; None when the
    whole chain holds. Each row holds ``id``, ``digest``, ``chain`` and ``FIELDS``."""
    previous = GENESIS
    for row in rows:
        try:
            holds = row["digest"] == digest(row) and row["chain"] == link(previous, row["digest"])
        except ValueError:  # a digest that is not hex, a time or an address that is not one
            holds = False
        if not holds:
            return int(row["id"])
        previous = row["chain"]
    return None
