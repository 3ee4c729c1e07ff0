"""Matcher configuration lifecycle: propose a version, compare it in shadow, activate it with four
eyes. The same pattern as monitoring's rule versions (``monitoring.services.rules``): a version
is immutable once written; its maker cannot activate it; a second person with
``screening.activate_matcher`` (normally the MLRO) does; both are on the version and in the
audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from compliance.screening import index
from compliance.screening.matcher import ScreeningIndex
from compliance.screening.matcher_config import MatcherConfig, validation_errors
from compliance.screening.matching import screen_subjects
from compliance.screening.models import MatcherConfiguration, ScreeningSettings
from compliance.screening.selectors import active_matcher_config, entry_parties
from compliance.screening.subjects import customer_ranges, subjects_in_range
from core import audit
from core.actors import Actor
from core.errors import FourEyesViolation, InvalidTransition, NotPermitted, ValidationFailed

ACTIVATE_PERMISSION = "screening.activate_matcher"
PROPOSE_PERMISSION = "screening.add_matcherconfiguration"
SHADOW_REPORT_LIMIT = 200  # pairs listed in the stored report; the counts cover all


def _require(actor: Actor, permission: str, doing: str) -> None:
    """Staff need the permission; system actors (migrations, the calibration command) are
    trusted to propose, never to approve."""
    user = actor.user
    if user is not None and not user.has_perm(permission):
        raise NotPermitted(f"{doing} needs the {permission} permission")


@transaction.atomic
def propose_matcher_config(
    *,
    values: Mapping[str, Any],
    actor: Actor,
    origin: str = "edited by an officer",
    note: str = "",
    calibration: Mapping[str, Any] | None = None,
) -> MatcherConfiguration:
    """A new candidate version (inactive until a second person activates it)."""
    _require(actor, PROPOSE_PERMISSION, "proposing a matcher configuration")
    errors = validation_errors(dict(values))
    if errors:
        raise ValidationFailed({f"values.{key}": [message] for key, message in errors.items()})
    MatcherConfiguration.objects.select_for_update().filter(is_active=True).first()
    last = MatcherConfiguration.objects.aggregate(n=Max("number"))["n"] or 0
    version = MatcherConfiguration.objects.create(
        number=last + 1,
        values=MatcherConfig.from_dict(dict(values)).to_dict(),
        origin=origin[:40],
        note=note,
        calibration=dict(calibration or {}),
        created_by=actor.user,
        created_by_label=actor.label[:200],
    )
    audit.record(
        actor=actor,
        action="matcher_config.proposed",
        obj=version,
        after={"number": version.number, "values": version.values, "origin": version.origin},
        reason=note,
    )
    return version


@transaction.atomic
def activate_matcher_config(
    *, version: MatcherConfiguration, actor: Actor, reason: str = ""
) -> MatcherConfiguration:
    """Make ``version`` the one every screening scores with. Four eyes: the checker is a
    person with the permission, and not the version's maker."""
    user = actor.user
    if user is None or not user.has_perm(ACTIVATE_PERMISSION):
        raise NotPermitted(
            "activating a matcher configuration needs the activate_matcher permission"
        )
    if version.created_by_id is not None and version.created_by_id == actor.user_id:
        raise FourEyesViolation("the maker of a matcher configuration cannot activate it")
    version = MatcherConfiguration.objects.select_for_update().get(pk=version.pk)
    if version.is_active:
        raise InvalidTransition("this configuration is already the active one")
    previous = MatcherConfiguration.objects.select_for_update().filter(is_active=True).first()
    if previous is not None:
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    version.is_active = True
    if version.approved_at is None:
        version.approved_by = user
        version.approved_by_label = actor.label[:200]
        version.approved_at = timezone.now()
    version.save(update_fields=["is_active", "approved_by", "approved_by_label", "approved_at"])
    audit.record(
        actor=actor,
        action="matcher_config.activated",
        obj=version,
        before={
            "active": previous.number if previous else None,
            "values": previous.values if previous else None,
        },
        after={
            "active": version.number,
            "values": version.values,
            "maker": version.created_by_label,
        },
        reason=reason,
    )
    transaction.on_commit(index.invalidate)
    return version


@dataclass
class ShadowReport:
    """What a candidate configuration would change on a rescreen of every customer."""

    live: int
    candidate: int
    subjects: int = 0
    added: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    kept: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "live_version": self.live,
            "candidate_version": self.candidate,
            "subjects": self.subjects,
            "kept": self.kept,
            "added_count": len(self.added),
            "dropped_count": len(self.dropped),
            "added": self.added[:SHADOW_REPORT_LIMIT],
            "dropped": self.dropped[:SHADOW_REPORT_LIMIT],
            "compared_at": timezone.now().isoformat(),
        }


def _pairs(found, parties) -> dict[tuple[str, int], dict[str, Any]]:
    return {
        (f.subject.key, f.entry_pk): {
            "subject": f.subject.label,
            "customer_id": str(f.subject.customer_id),
            "entry": parties[f.entry_pk].ref,
            "list": parties[f.entry_pk].source,
            "score": f.match.score,
            "reasons": f.match.reasons,
        }
        for f in found
        if not f.subject.is_wallet
    }


def compare_in_shadow(*, version: MatcherConfiguration, actor: Actor) -> ShadowReport:
    """Rescreen every customer with the live and the candidate configuration (customers in
    batches, as a delta rescreen does) and record which hits the candidate would add or drop.
    Nothing is stored as a hit; the report is kept on the candidate and audited."""
    _require(actor, PROPOSE_PERMISSION, "comparing a matcher configuration in shadow")
    live_row = MatcherConfiguration.objects.filter(is_active=True).first()
    if live_row is not None and live_row.pk == version.pk:
        raise InvalidTransition("this configuration is the live one")
    parties = entry_parties()
    live = ScreeningIndex(parties.values(), config=active_matcher_config(), freeze=False)
    candidate = ScreeningIndex(
        parties.values(), config=MatcherConfig.from_dict(version.values), freeze=False
    )
    limit = ScreeningSettings.current().max_matches_per_subject
    report = ShadowReport(live=live_row.number if live_row else 0, candidate=version.number)
    for after, upto in customer_ranges(ScreeningSettings.current().rescreen_batch_size):
        subjects = subjects_in_range(after, upto)
        report.subjects += len(subjects)
        before = _pairs(
            screen_subjects(
                subjects,
                search_many=lambda q: live.search_many(q, limit=limit),
                wallet_lookup=lambda c, a: [],
            ),
            parties,
        )
        now = _pairs(
            screen_subjects(
                subjects,
                search_many=lambda q: candidate.search_many(q, limit=limit),
                wallet_lookup=lambda c, a: [],
            ),
            parties,
        )
        report.added += [now[k] for k in sorted(now.keys() - before.keys(), key=str)]
        report.dropped += [before[k] for k in sorted(before.keys() - now.keys(), key=str)]
        report.kept += len(now.keys() & before.keys())
    with transaction.atomic():
        row = MatcherConfiguration.objects.select_for_update().get(pk=version.pk)
        row.shadow_report = report.as_json()
        row.save(update_fields=["shadow_report"])
        audit.record(
            actor=actor,
            action="matcher_config.compared_in_shadow",
            obj=row,
            after={k: v for k, v in row.shadow_report.items() if k not in ("added", "dropped")},
        )
    return report
