CREATE TYPE "public"."matter_category" AS ENUM('permit', 'public_service', 'confirmation', 'penalty', 'other');--> statement-breakpoint
CREATE TYPE "public"."matter_kind" AS ENUM('instant', 'promise');--> statement-breakpoint
CREATE TABLE "matter_versions" (
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "matter_versions_pkey" PRIMARY KEY("code","version"),
	CONSTRAINT "matter_versions_version_positive" CHECK ("matter_versions"."version" >= 1),
	CONSTRAINT "matter_versions_code_matches" CHECK ("matter_versions"."definition"->>'code' = "matter_versions"."code")
);
--> statement-breakpoint
CREATE TABLE "matters" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"category" "matter_category" NOT NULL,
	"kind" "matter_kind" NOT NULL,
	"current_version" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "matters_current_version_positive" CHECK ("matters"."current_version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "matter_versions" ADD CONSTRAINT "matter_versions_code_matters_code_fk" FOREIGN KEY ("code") REFERENCES "public"."matters"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A matter version is immutable: a running case keeps the definition it started with, so an edit adds
-- version n+1 instead of changing or deleting a version.
CREATE OR REPLACE FUNCTION matter_versions_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'matter_versions rows are immutable (事项版本不可修改)';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER matter_versions_no_update BEFORE UPDATE OR DELETE ON matter_versions FOR EACH ROW EXECUTE FUNCTION matter_versions_immutable();
