-- End of the reach loop: the last step found nothing, so its (empty) table goes; reach_seen
-- is the answer.
DROP TABLE reach_next;
