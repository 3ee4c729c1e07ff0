"""Re-encrypt every stored ID number under the current (first) key of PII_KEYS.

Rotation: put the new key first in PII_KEYS (keep the old ones after it), deploy, run this
command, then drop the old keys. ``--rehash`` also recomputes the lookup hashes after
PII_HASH_KEY changed (the old hash key must no longer be in use by any running process).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from core import audit, pii
from core.actors import Actor
from kyc.models import BeneficialOwner, Customer

BATCH = 1000


def rotate_model(model, *, rehash: bool) -> int:
    fields = ["id_number_encrypted", "id_number_hash"] if rehash else ["id_number_encrypted"]
    done = 0
    last_pk = None
    while True:
        with transaction.atomic():
            qs = model.objects.exclude(id_number_encrypted="").order_by("pk")
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            rows = list(qs.select_for_update().only("pk", *fields)[:BATCH])
            if not rows:
                return done
            for row in rows:
                if rehash:
                    row.id_number_hash = pii.keyed_hash(pii.decrypt(row.id_number_encrypted))
                row.id_number_encrypted = pii.rotate(row.id_number_encrypted)
            model.objects.bulk_update(rows, fields)
        done += len(rows)
        last_pk = rows[-1].pk


class Command(BaseCommand):
    help = "Re-encrypt stored ID numbers with the current PII key (first of PII_KEYS)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rehash", action="store_true", help="Also recompute hashes with PII_HASH_KEY."
        )

    def handle(self, *args, rehash: bool = False, **options):
        counts = {
            "customers": rotate_model(Customer, rehash=rehash),
            "beneficial_owners": rotate_model(BeneficialOwner, rehash=rehash),
        }
        audit.record(
            actor=Actor.automated("rotate_pii_key"),
            action="pii.key_rotated",
            after={**counts, "rehashed": rehash},
        )
        self.stdout.write(
            f"Re-encrypted {counts['customers']} customer and {counts['beneficial_owners']} "
            f"beneficial-owner ID numbers{' and their hashes' if rehash else ''}."
        )
