ALTER TABLE `deploys` ADD `report` text;--> statement-breakpoint
ALTER TABLE `deploys` ADD `refuse_broken_links` integer DEFAULT false NOT NULL;