ALTER TABLE "notices" ADD COLUMN "delivery_status" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "notices_delivery_due_idx" ON "notices" USING btree ("next_attempt_at") WHERE "notices"."delivery_status" = 'pending';--> statement-breakpoint
-- Notices from before the outbox were handed to the notifier when they were written: not sent again.
UPDATE "notices" SET "delivery_status" = 'delivered', "attempts" = 1, "delivered_at" = "created_at";
