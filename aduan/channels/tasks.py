"""The channels app's jobs, defined next to their work; named here too so jobs queued
under these paths by an earlier release still run."""

from .outbox import deliver_outbox
from .processing import process_inbound

__all__ = ["deliver_outbox", "process_inbound"]
