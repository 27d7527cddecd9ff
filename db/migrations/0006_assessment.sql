CREATE TABLE "assessment_appeals" (
	"case_id" text NOT NULL,
	"appeal_id" text NOT NULL,
	"ratee_key" text NOT NULL,
	"indicator_code" text,
	"reason" text NOT NULL,
	"filed_by" text NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"decision_reason" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"before" jsonb,
	"after" jsonb,
	CONSTRAINT "assessment_appeals_case_id_appeal_id_pk" PRIMARY KEY("case_id","appeal_id"),
	CONSTRAINT "assessment_appeals_status" CHECK ("assessment_appeals"."status" in ('pending', 'adjusted', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "assessment_cycles" (
	"case_id" text PRIMARY KEY NOT NULL,
	"scheme_code" text NOT NULL,
	"scheme_version" integer NOT NULL,
	"scheme_name" text NOT NULL,
	"direction" text NOT NULL,
	"period" text NOT NULL,
	"period_key" text NOT NULL,
	"period_label" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"owner_unit_id" text NOT NULL,
	"phase" text NOT NULL,
	"opened_by" text NOT NULL,
	"snapshot_hash" text,
	"snapshot_at" timestamp with time zone,
	"scoring_deadline" timestamp with time zone,
	"computed_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"appeal_deadline" timestamp with time zone,
	"final_at" timestamp with time zone,
	"projected_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessment_ratees" (
	"case_id" text NOT NULL,
	"ratee_key" text NOT NULL,
	"ratee_type" text NOT NULL,
	"ratee_id" text NOT NULL,
	"name" text NOT NULL,
	"unit_id" text NOT NULL,
	"unit_path" text NOT NULL,
	"raters" jsonb NOT NULL,
	CONSTRAINT "assessment_ratees_case_id_ratee_key_pk" PRIMARY KEY("case_id","ratee_key")
);
--> statement-breakpoint
CREATE TABLE "assessment_results" (
	"case_id" text NOT NULL,
	"ratee_key" text NOT NULL,
	"total" double precision NOT NULL,
	"grade" text NOT NULL,
	"grade_label" text NOT NULL,
	"rank" integer NOT NULL,
	"outcome" text,
	"pay_grade" text,
	"sides" jsonb NOT NULL,
	"indicators" jsonb NOT NULL,
	"explanation" text NOT NULL,
	"rectification_case_id" text,
	"final" boolean DEFAULT false NOT NULL,
	CONSTRAINT "assessment_results_case_id_ratee_key_pk" PRIMARY KEY("case_id","ratee_key")
);
--> statement-breakpoint
CREATE TABLE "assessment_scheme_versions" (
	"scheme_code" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessment_scheme_versions_scheme_code_version_pk" PRIMARY KEY("scheme_code","version"),
	CONSTRAINT "assessment_scheme_versions_version" CHECK ("assessment_scheme_versions"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "assessment_schemes" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"current_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessment_scores" (
	"case_id" text NOT NULL,
	"ratee_key" text NOT NULL,
	"indicator_code" text NOT NULL,
	"rater_unit_id" text NOT NULL,
	"score" double precision NOT NULL,
	"comment" text,
	"user_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "assessment_scores_case_id_ratee_key_indicator_code_rater_unit_id_pk" PRIMARY KEY("case_id","ratee_key","indicator_code","rater_unit_id")
);
--> statement-breakpoint
CREATE TABLE "assessment_snapshots" (
	"case_id" text NOT NULL,
	"ratee_key" text NOT NULL,
	"metrics" jsonb NOT NULL,
	"sources" jsonb NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	CONSTRAINT "assessment_snapshots_case_id_ratee_key_pk" PRIMARY KEY("case_id","ratee_key")
);
--> statement-breakpoint
ALTER TABLE "assessment_appeals" ADD CONSTRAINT "assessment_appeals_case_id_assessment_cycles_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."assessment_cycles"("case_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_cycles" ADD CONSTRAINT "assessment_cycles_scheme_code_assessment_schemes_code_fk" FOREIGN KEY ("scheme_code") REFERENCES "public"."assessment_schemes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_ratees" ADD CONSTRAINT "assessment_ratees_case_id_assessment_cycles_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."assessment_cycles"("case_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_results" ADD CONSTRAINT "assessment_results_case_id_assessment_cycles_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."assessment_cycles"("case_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_scheme_versions" ADD CONSTRAINT "assessment_scheme_versions_scheme_code_assessment_schemes_code_fk" FOREIGN KEY ("scheme_code") REFERENCES "public"."assessment_schemes"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_scores" ADD CONSTRAINT "assessment_scores_case_id_assessment_cycles_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."assessment_cycles"("case_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_snapshots" ADD CONSTRAINT "assessment_snapshots_case_id_assessment_cycles_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."assessment_cycles"("case_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assessment_cycles_scheme_period_key" ON "assessment_cycles" USING btree ("scheme_code","period_key");--> statement-breakpoint
CREATE INDEX "assessment_cycles_phase_idx" ON "assessment_cycles" USING btree ("phase","created_at");--> statement-breakpoint
CREATE INDEX "assessment_ratees_ratee_idx" ON "assessment_ratees" USING btree ("ratee_key");--> statement-breakpoint
CREATE INDEX "assessment_ratees_unit_idx" ON "assessment_ratees" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "assessment_results_ratee_idx" ON "assessment_results" USING btree ("ratee_key");--> statement-breakpoint
CREATE INDEX "assessment_scores_rater_idx" ON "assessment_scores" USING btree ("rater_unit_id");--> statement-breakpoint
-- Scheme versions and snapshots are frozen once written; a final result never changes again.
CREATE OR REPLACE FUNCTION assessment_frozen() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is frozen (考核方案版本、指标快照与最终结果不可修改)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER assessment_scheme_versions_frozen BEFORE UPDATE ON assessment_scheme_versions FOR EACH ROW EXECUTE FUNCTION assessment_frozen();
--> statement-breakpoint
CREATE TRIGGER assessment_snapshots_frozen BEFORE UPDATE ON assessment_snapshots FOR EACH ROW EXECUTE FUNCTION assessment_frozen();
--> statement-breakpoint
CREATE TRIGGER assessment_results_final BEFORE UPDATE OR DELETE ON assessment_results FOR EACH ROW WHEN (OLD.final) EXECUTE FUNCTION assessment_frozen();
