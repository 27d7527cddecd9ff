CREATE TABLE "summons_departments" (
	"case_id" text PRIMARY KEY NOT NULL,
	"summons_id" text NOT NULL,
	"seq" integer NOT NULL,
	"unit_id" text NOT NULL,
	"unit_kind" text NOT NULL,
	"department_id" text NOT NULL,
	"township_id" text NOT NULL,
	"township_path" text NOT NULL,
	"replaces_case_id" text,
	"status" text NOT NULL,
	"outcome" text,
	"urgency_code" text NOT NULL,
	"notified_at" timestamp with time zone NOT NULL,
	"ack_deadline" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"ack_on_time" boolean,
	"on_site_at" timestamp with time zone,
	"result_deadline" timestamp with time zone,
	"result_reported_at" timestamp with time zone,
	"result_on_time" boolean,
	"send_backs" integer DEFAULT 0 NOT NULL,
	"accepted_at" timestamp with time zone,
	"miss_count" integer DEFAULT 0 NOT NULL,
	"red_card" boolean DEFAULT false NOT NULL,
	"red_card_at" timestamp with time zone,
	"dispute_count" integer DEFAULT 0 NOT NULL,
	"disputed_ms" bigint DEFAULT 0 NOT NULL,
	"rating" text,
	"rating_comment" text,
	"rated_by" text,
	"rated_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "summons_disputes" (
	"case_id" text NOT NULL,
	"ordinal" integer NOT NULL,
	"unit_id" text NOT NULL,
	"reason" text NOT NULL,
	"raised_by" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"ruling" text,
	"ruled_by" text,
	"ruled_at" timestamp with time zone,
	"rule_note" text,
	"resummoned_unit_id" text,
	"disputed_ms" bigint,
	CONSTRAINT "summons_disputes_case_id_ordinal_pk" PRIMARY KEY("case_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "summons_facts" (
	"case_id" text PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	"township_id" text NOT NULL,
	"township_path" text NOT NULL,
	"incident_id" text,
	"reason_code" text NOT NULL,
	"urgency_code" text NOT NULL,
	"complexity" text NOT NULL,
	"status" text NOT NULL,
	"unit_count" integer NOT NULL,
	"whistled_by" text NOT NULL,
	"whistled_at" timestamp with time zone NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"rejected_by" text,
	"rejected_at" timestamp with time zone,
	"rejected_reason" text,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "summons_misses" (
	"case_id" text NOT NULL,
	"ordinal" integer NOT NULL,
	"kind" text NOT NULL,
	"unit_id" text NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"red_card" boolean NOT NULL,
	CONSTRAINT "summons_misses_case_id_ordinal_pk" PRIMARY KEY("case_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "summons_refusals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"township_id" text NOT NULL,
	"incident_id" text,
	"rule_code" text NOT NULL,
	"reason_code" text NOT NULL,
	"user_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "summons_rules" (
	"code" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"condition" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "summons_rules_kind" CHECK ("summons_rules"."kind" in ('allowed', 'forbidden'))
);
--> statement-breakpoint
CREATE TABLE "summons_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "summons_departments" ADD CONSTRAINT "summons_departments_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "summons_departments" ADD CONSTRAINT "summons_departments_unit_id_org_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "summons_disputes" ADD CONSTRAINT "summons_disputes_case_id_summons_departments_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."summons_departments"("case_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "summons_facts" ADD CONSTRAINT "summons_facts_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "summons_facts" ADD CONSTRAINT "summons_facts_township_id_org_units_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "summons_misses" ADD CONSTRAINT "summons_misses_case_id_summons_departments_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."summons_departments"("case_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "summons_refusals" ADD CONSTRAINT "summons_refusals_township_id_org_units_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "summons_departments_summons_idx" ON "summons_departments" USING btree ("summons_id");--> statement-breakpoint
CREATE INDEX "summons_departments_unit_idx" ON "summons_departments" USING btree ("unit_id","notified_at");--> statement-breakpoint
CREATE INDEX "summons_departments_department_idx" ON "summons_departments" USING btree ("department_id","notified_at");--> statement-breakpoint
CREATE INDEX "summons_departments_township_idx" ON "summons_departments" USING btree ("township_id","notified_at");--> statement-breakpoint
CREATE INDEX "summons_disputes_unit_idx" ON "summons_disputes" USING btree ("unit_id","raised_at");--> statement-breakpoint
CREATE INDEX "summons_facts_township_idx" ON "summons_facts" USING btree ("township_id","whistled_at");--> statement-breakpoint
CREATE INDEX "summons_facts_path_idx" ON "summons_facts" USING btree ("township_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "summons_misses_unit_idx" ON "summons_misses" USING btree ("unit_id","at");--> statement-breakpoint
CREATE INDEX "summons_refusals_township_idx" ON "summons_refusals" USING btree ("township_id","at");