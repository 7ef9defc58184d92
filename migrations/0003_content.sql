CREATE TABLE `content_items` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`site_id` text NOT NULL,
	`uid` text NOT NULL,
	`collection` text NOT NULL,
	`filename` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`resourcetype` text,
	`body` text DEFAULT '' NOT NULL,
	`data` text NOT NULL,
	`extra` text NOT NULL,
	`file_missing` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `content_items_site_uid_uq` ON `content_items` (`site_id`,`uid`);--> statement-breakpoint
CREATE UNIQUE INDEX `content_items_site_file_uq` ON `content_items` (`site_id`,`collection`,`filename`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `content_items_site_collection_title_idx` ON `content_items` (`site_id`,`collection`,`title`);--> statement-breakpoint
CREATE INDEX `content_items_site_updated_idx` ON `content_items` (`site_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `content_revisions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`site_id` text NOT NULL,
	`item_id` text NOT NULL,
	`version` integer NOT NULL,
	`action` text NOT NULL,
	`reverted_from` integer,
	`filename` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`data` text NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `content_items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `content_revisions_item_version_uq` ON `content_revisions` (`item_id`,`version`);