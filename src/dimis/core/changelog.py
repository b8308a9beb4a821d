"""The change log: one hash-chained record per write, whoever made it and from wherever."""

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from .actor import current_actor
from .models import ChainHead, ChangeRecord

GENESIS = "0" * 64


def record_hash(fields: dict) -> str:
    payload = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def hashed_fields(record: ChangeRecord) -> dict:
    return {
        "sequence": record.sequence,
        "time": record.time.isoformat(),
        "user": record.user_id,
        "actor": record.actor,
        "source": record.source,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "before": record.before,
        "after": record.after,
        "prev_hash": record.prev_hash,
    }


def record_change(instance, action: str, before: dict | None, after: dict | None) -> ChangeRecord:
    actor = current_actor()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        record = ChangeRecord(
            sequence=head.last_sequence + 1,
            time=timezone.now(),
            user_id=actor.user_id,
            actor=actor.name[:150],
            source=actor.source,
            action=action,
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk),
            object_repr=str(instance)[:300],
            before=before,
            after=after,
            prev_hash=head.last_hash,
        )
        # Hash what the database will give back (JSON round trip), so verify recomputes the same.
        record.before = json.loads(json.dumps(before, default=str)) if before is not None else None
        record.after = json.loads(json.dumps(after, default=str)) if after is not None else None
        record.hash = record_hash(hashed_fields(record))
        record.save()
        head.last_sequence, head.last_hash = record.sequence, record.hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return record


def log_deletion(sender, instance, **kwargs):
    """post_delete receiver: every deleted change-logged row, cascades included."""
    from dimis.framework.models import ChangeLoggedMixin

    if isinstance(instance, ChangeLoggedMixin):
        record_change(instance, "delete", instance.snapshot(), None)


def verify_chain(batch_size: int = 2000) -> tuple[bool, str]:
    """Walk the chain in order; name the first record altered or removed."""
    expected_prev, expected_seq = GENESIS, 1
    records = ChangeRecord.objects.order_by("sequence").iterator(chunk_size=batch_size)
    for record in records:
        if record.sequence != expected_seq:
            return (
                False,
                f"change record #{expected_seq} has been removed (next found: #{record.sequence})",
            )
        if record.prev_hash != expected_prev:
            return (
                False,
                f"change record #{record.sequence} does not follow #{expected_seq - 1}: the chain was altered",
            )
        if record_hash(hashed_fields(record)) != record.hash:
            return False, f"change record #{record.sequence} has been altered"
        expected_prev, expected_seq = record.hash, expected_seq + 1
    head = ChainHead.objects.filter(pk=1).first()
    last = expected_seq - 1
    if head and head.last_sequence != last:
        return (
            False,
            f"change record #{last + 1} has been removed (the chain ends at #{last}, the head names #{head.last_sequence})",
        )
    if head and head.last_hash != expected_prev:
        return False, f"change record #{last} has been altered"
    return True, f"{last} change records verified; the chain is intact"
