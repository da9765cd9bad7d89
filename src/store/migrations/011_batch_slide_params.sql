-- Each batch slide's own analysis parameters (the request's, under the slide marker's settings), as
-- its plan job carries them. A slide whose queued work was lost (Redis restarted without its data)
-- is queued again from this row, so it must hold everything the plan job held. NULL for slides
-- submitted before this column: those cannot be queued again and are failed with a message.
ALTER TABLE batch_slides ADD COLUMN params jsonb;
