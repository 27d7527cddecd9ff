CREATE TABLE "calendar_recomputes" (
	"id" text PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"region" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"walk_id" text,
	"walks" integer DEFAULT 0 NOT NULL,
	"total" integer,
	"done" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"cursor" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "calendar_recomputes_open_idx" ON "calendar_recomputes" USING btree ("status") WHERE "calendar_recomputes"."status" <> 'done';--> statement-breakpoint
CREATE INDEX "calendar_recomputes_walk_idx" ON "calendar_recomputes" USING btree ("walk_id");--> statement-breakpoint
CREATE INDEX "cases_open_id_idx" ON "cases" USING btree ("id") WHERE "cases"."closed_at" is null;