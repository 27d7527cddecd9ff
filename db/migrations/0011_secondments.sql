CREATE TABLE "grid_pay_grades" (
	"case_id" text NOT NULL,
	"user_id" text NOT NULL,
	"period_key" text NOT NULL,
	"township_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"username" text NOT NULL,
	"name" text NOT NULL,
	"total" double precision NOT NULL,
	"grade" text NOT NULL,
	"grade_label" text NOT NULL,
	"pay_grade" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "grid_pay_grades_case_id_user_id_pk" PRIMARY KEY("case_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "secondment_outcomes" (
	"case_id" text NOT NULL,
	"user_id" text NOT NULL,
	"secondment_id" uuid,
	"effect" text NOT NULL,
	"total" double precision NOT NULL,
	"grade" text NOT NULL,
	"grade_label" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"bar_until" date,
	"task_case_id" text,
	"note" text NOT NULL,
	"change" jsonb,
	CONSTRAINT "secondment_outcomes_case_id_user_id_pk" PRIMARY KEY("case_id","user_id"),
	CONSTRAINT "secondment_outcomes_effect" CHECK ("secondment_outcomes"."effect" in ('convert', 'return', 'continue')),
	CONSTRAINT "secondment_outcomes_bar" CHECK (("secondment_outcomes"."effect" = 'return') = ("secondment_outcomes"."bar_until" is not null))
);
--> statement-breakpoint
CREATE TABLE "secondments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"origin_unit_id" text,
	"origin_unit_name" text,
	"origin_role" "user_role",
	"host_unit_id" text NOT NULL,
	"start_date" date NOT NULL,
	"planned_end_date" date NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"end_date" date,
	"end_reason" text,
	"ended_by" text,
	"end_cycle_id" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "secondments_status" CHECK ("secondments"."status" in ('active', 'ended', 'returned', 'converted')),
	CONSTRAINT "secondments_origin_one" CHECK (num_nonnulls("secondments"."origin_unit_id", "secondments"."origin_unit_name") = 1),
	CONSTRAINT "secondments_origin_role" CHECK (("secondments"."origin_unit_id" is null) = ("secondments"."origin_role" is null)),
	CONSTRAINT "secondments_dates" CHECK ("secondments"."planned_end_date" >= "secondments"."start_date"),
	CONSTRAINT "secondments_ended" CHECK (("secondments"."status" = 'active') = ("secondments"."end_date" is null))
);
--> statement-breakpoint
ALTER TABLE "grid_pay_grades" ADD CONSTRAINT "grid_pay_grades_case_id_assessment_cycles_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."assessment_cycles"("case_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_pay_grades" ADD CONSTRAINT "grid_pay_grades_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondment_outcomes" ADD CONSTRAINT "secondment_outcomes_case_id_assessment_cycles_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."assessment_cycles"("case_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondment_outcomes" ADD CONSTRAINT "secondment_outcomes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondment_outcomes" ADD CONSTRAINT "secondment_outcomes_secondment_id_secondments_id_fk" FOREIGN KEY ("secondment_id") REFERENCES "public"."secondments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondments" ADD CONSTRAINT "secondments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondments" ADD CONSTRAINT "secondments_origin_unit_id_org_units_id_fk" FOREIGN KEY ("origin_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondments" ADD CONSTRAINT "secondments_host_unit_id_org_units_id_fk" FOREIGN KEY ("host_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "grid_pay_grades_township_idx" ON "grid_pay_grades" USING btree ("township_id","period_key");--> statement-breakpoint
CREATE INDEX "secondment_outcomes_user_idx" ON "secondment_outcomes" USING btree ("user_id","bar_until");--> statement-breakpoint
CREATE INDEX "secondments_user_idx" ON "secondments" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "secondments_host_idx" ON "secondments" USING btree ("host_unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "secondments_one_active_key" ON "secondments" USING btree ("user_id") WHERE "secondments"."status" = 'active';