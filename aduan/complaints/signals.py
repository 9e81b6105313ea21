"""Signals the complaints app sends; layers above connect to them.

`event_recorded` is sent inside the action's transaction, so a receiver that writes rows
(an outbox entry, a notification) commits or rolls back together with the event.
"""

from django.dispatch import Signal

event_recorded = Signal()  # kwargs: event
