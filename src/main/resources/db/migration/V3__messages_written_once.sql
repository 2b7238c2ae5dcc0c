-- A message is written once: its row (with its seq) is its new_message in the log, and replay rebuilds the
-- event from it. chat_events keeps the later changes (edits, deletes, reactions). The copies logged before
-- go; replay would otherwise send those messages twice.
DELETE FROM chat_events WHERE type = 'new_message';
