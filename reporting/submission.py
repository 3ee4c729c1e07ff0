"""Sending a report to goAML: one adapter interface, chosen by ``settings.GOAML_SUBMITTER``.

An adapter does two things:

- ``submit(reference=, xml=) -> Submission``: hand the XML to goAML; ``transport_ref`` says
  where it went (an upload id, a file path);
- ``outcome(reference=) -> Outcome | None``: the FMU's answer once there is one (acknowledged
  with the FMU's reference number, or rejected with its reason); ``None`` while pending.

``SandboxGoAML`` (demo and tests) writes ``<GOAML_DROP_DIR>/<reference>.xml`` and decides the
outcome at once, deterministically, writing it beside the XML as ``<reference>.outcome.json``:

- **rejected** when the report's ``reason`` (the narrative) contains ``SANDBOX-REJECT``; the
  rejection reason is the rest of that line, or a stock message. This is how a demo or a test
  asks for a rejection; the corrected version drops the marker and is acknowledged;
- **rejected** when the XML is not well-formed (goAML's upload refuses it);
- otherwise **acknowledged**, with the FMU reference ``FMU-<first 10 hex of the XML's SHA-256>``.

A production adapter (goAML web-service upload or the portal's XML upload) implements the same
two methods; the service layer does not change.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from lxml import etree

REJECT_MARKER = "SANDBOX-REJECT"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class Submission:
    transport_ref: str
    submitted_at: datetime


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    fiu_ref_number: str = ""
    reason: str = ""
    decided_at: datetime | None = None


class GoAMLSubmitter(Protocol):
    def submit(self, *, reference: str, xml: bytes) -> Submission: ...

    def outcome(self, *, reference: str) -> Outcome | None: ...


def get_submitter() -> GoAMLSubmitter:
    path = getattr(settings, "GOAML_SUBMITTER", "reporting.submission.SandboxGoAML")
    return import_string(path)()


class SandboxGoAML:
    """A drop folder with a simulated, deterministic FMU answer (see the module docstring)."""

    def __init__(self, drop_dir: Path | str | None = None) -> None:
        self.drop_dir = Path(drop_dir or getattr(settings, "GOAML_DROP_DIR", "var/goaml-drop"))

    def _path(self, reference: str, suffix: str) -> Path:
        return self.drop_dir / f"{_SAFE_NAME.sub('_', reference)}{suffix}"

    def submit(self, *, reference: str, xml: bytes) -> Submission:
        self.drop_dir.mkdir(parents=True, exist_ok=True)
        path = self._path(reference, ".xml")
        path.write_bytes(xml)
        now = timezone.now()
        decision = decide(xml)
        outcome = Outcome(
            accepted=decision.accepted,
            fiu_ref_number=decision.fiu_ref_number,
            reason=decision.reason,
            decided_at=now,
        )
        record = {**asdict(outcome), "decided_at": now.isoformat(), "reference": reference}
        self._path(reference, ".outcome.json").write_text(json.dumps(record, indent=2))
        return Submission(transport_ref=str(path), submitted_at=now)

    def outcome(self, *, reference: str) -> Outcome | None:
        path = self._path(reference, ".outcome.json")
        if not path.exists():
            return None
        record = json.loads(path.read_text())
        decided = record.get("decided_at")
        return Outcome(
            accepted=bool(record["accepted"]),
            fiu_ref_number=record.get("fiu_ref_number", ""),
            reason=record.get("reason", ""),
            decided_at=datetime.fromisoformat(decided) if decided else None,
        )


def decide(xml: bytes) -> Outcome:
    """The sandbox FMU's answer to ``xml`` (pure: same XML, same answer)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return Outcome(accepted=False, reason=f"The file is not well-formed XML: {exc}")
    reason = root.findtext("reason") or ""
    for line in reason.splitlines():
        if REJECT_MARKER in line:
            detail = line.split(REJECT_MARKER, 1)[1].strip(" :-")
            return Outcome(
                accepted=False,
                reason=detail or "Rejected by the FMU (sandbox): the report needs correction.",
            )
    digest = hashlib.sha256(xml).hexdigest()
    return Outcome(accepted=True, fiu_ref_number=f"FMU-{digest[:10].upper()}")
