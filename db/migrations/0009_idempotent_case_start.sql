ALTER TABLE "idempotency_keys" ADD COLUMN "case_id" text;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "released_at" timestamp with time zone;