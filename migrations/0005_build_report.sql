ALTER TABLE `deploys` ADD `report` text;--> statement-breakpoint
ALTER TABLE `deploys` ADD `allow_broken_links` integer DEFAULT false NOT NULL;