CREATE TABLE "notices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"unit_id" text NOT NULL,
	"recipient_user_id" text,
	"message" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "notices_case_key_idx" ON "notices" USING btree ("case_id","key","unit_id");--> statement-breakpoint
CREATE INDEX "notices_unit_idx" ON "notices" USING btree ("unit_id","created_at");