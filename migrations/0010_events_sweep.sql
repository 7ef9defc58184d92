ALTER TABLE `webhook_events` ADD `fanned_out_at` integer;--> statement-breakpoint
CREATE INDEX `webhook_events_unannounced_idx` ON `webhook_events` (`fanned_out_at`,`created_at`);--> statement-breakpoint
-- Events from before this column were fanned out when they happened.
UPDATE `webhook_events` SET `fanned_out_at` = `created_at`;
