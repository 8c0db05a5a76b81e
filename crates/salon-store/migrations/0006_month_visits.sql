-- Month snapshots now state the month's visits (protocol version 2), so a body written before
-- cannot be sent as it is. It is emptied: the next preparation recomputes it under the next
-- revision (headquarters keeps the highest), and until then nothing of it waits to be sent.
UPDATE outbox SET body = '', sent_revision = revision WHERE kind = 'month';
