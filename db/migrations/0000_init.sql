CREATE TYPE "public"."clock_level" AS ENUM('green', 'blue', 'yellow', 'red');--> statement-breakpoint
CREATE TYPE "public"."process_type" AS ENUM('approval', 'incident', 'summons', 'assessment', 'task');--> statement-breakpoint
CREATE TYPE "public"."org_unit_kind" AS ENUM('county', 'township', 'street', 'village', 'community', 'grid', 'department', 'agency');--> statement-breakpoint
CREATE TYPE "public"."power_category" AS ENUM('penalty', 'public_service', 'permit', 'confirmation', 'supervision', 'coercion', 'inspection', 'other');--> statement-breakpoint
CREATE TYPE "public"."power_source" AS ENUM('own', 'delegated');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('window_staff', 'agent', 'approver', 'grid_worker', 'handler', 'dispatcher', 'dept_liaison', 'supervisor', 'assessor', 'admin');--> statement-breakpoint
CREATE TYPE "public"."calendar_day_kind" AS ENUM('holiday', 'workday');--> statement-breakpoint
CREATE TYPE "public"."calendar_source" AS ENUM('seed:chinese-days', 'admin');--> statement-breakpoint
CREATE TYPE "public"."calendar_year_status" AS ENUM('complete');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"stream_id" text NOT NULL,
	"seq" integer NOT NULL,
	"actor_id" text NOT NULL,
	"actor_unit_id" text,
	"actor_role" text,
	"action" text NOT NULL,
	"reason" text,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp with time zone NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_assignments" (
	"case_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"role" text NOT NULL,
	"user_id" text DEFAULT '' NOT NULL,
	"actions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "case_assignments_case_id_unit_id_role_user_id_pk" PRIMARY KEY("case_id","unit_id","role","user_id")
);
--> statement-breakpoint
CREATE TABLE "case_clocks" (
	"case_id" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"state" text NOT NULL,
	"level" "clock_level" NOT NULL,
	"deadline" timestamp with time zone,
	"budget" jsonb NOT NULL,
	"consumed" jsonb NOT NULL,
	"fallback_years" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ledger" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "case_clocks_case_id_key_pk" PRIMARY KEY("case_id","key")
);
--> statement-breakpoint
CREATE TABLE "case_number_counters" (
	"process" "process_type" NOT NULL,
	"year" integer NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "case_number_counters_process_year_pk" PRIMARY KEY("process","year")
);
--> statement-breakpoint
CREATE TABLE "case_units" (
	"case_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"relation" text NOT NULL,
	CONSTRAINT "case_units_case_id_unit_id_relation_pk" PRIMARY KEY("case_id","unit_id","relation")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"process" "process_type" NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"current_step" text,
	"level" integer,
	"unit_id" text NOT NULL,
	"owner_unit_id" text NOT NULL,
	"colour" "clock_level" DEFAULT 'green' NOT NULL,
	"deadline" timestamp with time zone,
	"calendar_warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"projected_seq" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "org_units" (
	"id" text PRIMARY KEY NOT NULL,
	"parent_id" text,
	"kind" "org_unit_kind" NOT NULL,
	"department_id" text,
	"name" text NOT NULL,
	"name_en" text,
	"path" text NOT NULL,
	"level" integer NOT NULL,
	"region_code" text,
	"leader_user_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_units_id_format" CHECK ("org_units"."id" ~ '^[a-z0-9]+(\.[a-z0-9-]+)*$'),
	CONSTRAINT "org_units_root_is_county" CHECK ("org_units"."parent_id" is not null or "org_units"."kind" = 'county'),
	CONSTRAINT "org_units_agency_has_department" CHECK (("org_units"."kind" = 'agency') = ("org_units"."department_id" is not null)),
	CONSTRAINT "org_units_path_ends_with_id" CHECK ("org_units"."path" = "org_units"."id" or "org_units"."path" like '%/' || "org_units"."id"),
	CONSTRAINT "org_units_level_matches_path" CHECK ("org_units"."level" = array_length(string_to_array("org_units"."path", '/'), 1))
);
--> statement-breakpoint
CREATE TABLE "power_list_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"category" "power_category" NOT NULL,
	"source" "power_source" NOT NULL,
	"legal_basis" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "power_list_items_unit_code_key" UNIQUE("unit_id","code")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" "user_role" NOT NULL,
	"unit_id" text NOT NULL,
	"is_leader" boolean DEFAULT false NOT NULL,
	"phone" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"region" text DEFAULT 'CN' NOT NULL,
	"date" date NOT NULL,
	"kind" "calendar_day_kind" NOT NULL,
	"name" text NOT NULL,
	"source" "calendar_source" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_days_pkey" PRIMARY KEY("region","date")
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"region" text DEFAULT 'CN' NOT NULL,
	"year" integer NOT NULL,
	"status" "calendar_year_status" DEFAULT 'complete' NOT NULL,
	"source" "calendar_source" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_years_pkey" PRIMARY KEY("region","year"),
	CONSTRAINT "calendar_years_year_range" CHECK ("calendar_years"."year" between 1949 and 2200)
);
--> statement-breakpoint
ALTER TABLE "case_assignments" ADD CONSTRAINT "case_assignments_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_clocks" ADD CONSTRAINT "case_clocks_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_units" ADD CONSTRAINT "case_units_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_units" ADD CONSTRAINT "org_units_parent_id_org_units_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_units" ADD CONSTRAINT "org_units_department_id_org_units_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_units" ADD CONSTRAINT "org_units_leader_user_id_users_id_fk" FOREIGN KEY ("leader_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "power_list_items" ADD CONSTRAINT "power_list_items_unit_id_org_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_unit_id_org_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_stream_seq_idx" ON "audit_log" USING btree ("stream_id","seq");--> statement-breakpoint
CREATE INDEX "case_assignments_unit_role_idx" ON "case_assignments" USING btree ("unit_id","role");--> statement-breakpoint
CREATE INDEX "case_assignments_user_idx" ON "case_assignments" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "case_clocks_level_deadline_idx" ON "case_clocks" USING btree ("level","deadline");--> statement-breakpoint
CREATE INDEX "case_units_unit_idx" ON "case_units" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "cases_unit_idx" ON "cases" USING btree ("unit_id","status");--> statement-breakpoint
CREATE INDEX "cases_owner_unit_idx" ON "cases" USING btree ("owner_unit_id");--> statement-breakpoint
CREATE INDEX "cases_process_status_idx" ON "cases" USING btree ("process","status","created_at");--> statement-breakpoint
CREATE INDEX "cases_open_deadline_idx" ON "cases" USING btree ("colour","deadline") WHERE "cases"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "cases_created_idx" ON "cases" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "org_units_parent_idx" ON "org_units" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "org_units_department_idx" ON "org_units" USING btree ("department_id");--> statement-breakpoint
CREATE UNIQUE INDEX "org_units_path_key" ON "org_units" USING btree ("path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "users_unit_idx" ON "users" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "users_role_idx" ON "users" USING btree ("role");