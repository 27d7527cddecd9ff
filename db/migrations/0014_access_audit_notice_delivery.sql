ALTER TYPE "public"."user_role" ADD VALUE 'auditor';--> statement-breakpoint
CREATE TABLE "access_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"user_id" text,
	"username" text,
	"role" text,
	"unit_id" text,
	"ip" text,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"status" integer NOT NULL,
	"request_id" text,
	"subject" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "access_audit_at_idx" ON "access_audit" USING btree ("at");--> statement-breakpoint
CREATE INDEX "access_audit_user_idx" ON "access_audit" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "access_audit_kind_idx" ON "access_audit" USING btree ("kind","at");--> statement-breakpoint
CREATE INDEX "access_audit_subject_idx" ON "access_audit" USING btree ("subject","at");--> statement-breakpoint
-- The access audit is append-only like audit_log (0001): no UPDATE, DELETE or TRUNCATE.
CREATE OR REPLACE FUNCTION access_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'access_audit is append-only (访问审计只允许追加)';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER access_audit_no_update BEFORE UPDATE OR DELETE ON access_audit FOR EACH ROW EXECUTE FUNCTION access_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER access_audit_no_truncate BEFORE TRUNCATE ON access_audit FOR EACH STATEMENT EXECUTE FUNCTION access_audit_append_only();
--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "delivery_status" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "notices_delivery_due_idx" ON "notices" USING btree ("next_attempt_at") WHERE "notices"."delivery_status" = 'pending';--> statement-breakpoint
-- Notices from before the outbox were handed to the notifier when they were written: not sent again.
UPDATE "notices" SET "delivery_status" = 'delivered', "attempts" = 1, "delivered_at" = "created_at";
