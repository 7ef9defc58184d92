CREATE TABLE `media_items` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`site_id` text NOT NULL,
	`resource_uid` text,
	`r2_key` text NOT NULL,
	`filename` text NOT NULL,
	`declared_type` text NOT NULL,
	`sniffed_type` text,
	`kind` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text,
	`status` text DEFAULT 'uploading' NOT NULL,
	`error` text,
	`upload_id` text,
	`part_size` integer NOT NULL,
	`part_count` integer NOT NULL,
	`metadata` text NOT NULL,
	`variants` text NOT NULL,
	`created_by` text,
	`deleted_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `media_items_site_created_idx` ON `media_items` (`site_id`,`id`);--> statement-breakpoint
CREATE INDEX `media_items_tenant_sha_idx` ON `media_items` (`tenant_id`,`sha256`);--> statement-breakpoint
CREATE INDEX `media_items_site_resource_idx` ON `media_items` (`site_id`,`resource_uid`);--> statement-breakpoint
CREATE INDEX `media_items_status_idx` ON `media_items` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `media_upload_parts` (
	`tenant_id` text NOT NULL,
	`media_id` text NOT NULL,
	`part_number` integer NOT NULL,
	`etag` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`media_id`) REFERENCES `media_items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `media_upload_parts_uq` ON `media_upload_parts` (`media_id`,`part_number`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `media_max_file_bytes` integer;--> statement-breakpoint
ALTER TABLE `tenants` ADD `media_quota_bytes` integer;