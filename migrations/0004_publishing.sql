CREATE TABLE `deploys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`site_id` text NOT NULL,
	`target` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`content_version` integer,
	`requested_by` text,
	`requests` integer DEFAULT 1 NOT NULL,
	`rebuild_id` text,
	`attempt` integer DEFAULT 0 NOT NULL,
	`progress_permille` integer,
	`message` text,
	`log` text,
	`files` integer,
	`blobs_uploaded` integer,
	`bytes_uploaded` integer,
	`offline_key` text,
	`offline_bytes` integer,
	`started_at` integer,
	`activated_at` integer,
	`finished_at` integer,
	`timings` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `deploys_site_created_idx` ON `deploys` (`site_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `deploys_tenant_requester_idx` ON `deploys` (`tenant_id`,`requested_by`,`finished_at`);--> statement-breakpoint
CREATE INDEX `deploys_rebuild_idx` ON `deploys` (`rebuild_id`,`state`);--> statement-breakpoint
CREATE TABLE `publish_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`site_id` text NOT NULL,
	`action` text NOT NULL,
	`run_at` integer NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`created_by` text,
	`deploy_id` text,
	`message` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `publish_schedules_site_state_run_idx` ON `publish_schedules` (`site_id`,`state`,`run_at`);--> statement-breakpoint
CREATE TABLE `rebuilds` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`state` text DEFAULT 'running' NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`enqueued` integer DEFAULT false NOT NULL,
	`created_by` text,
	`finished_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `rebuilds_tenant_created_idx` ON `rebuilds` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `site_domains` (
	`hostname` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`site_id` text NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `site_domains_site_idx` ON `site_domains` (`site_id`);--> statement-breakpoint
ALTER TABLE `sites` ADD `preview_deploy_id` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `live_deploy_id` text;