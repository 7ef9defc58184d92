CREATE TABLE `batch_guards` (
	`must_have_changed` integer NOT NULL
);
