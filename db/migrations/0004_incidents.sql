CREATE TABLE "hotline_order_types" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"limit" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_categories" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_facts" (
	"case_id" text PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	"category_code" text NOT NULL,
	"urgency_code" text NOT NULL,
	"source" text NOT NULL,
	"grid_id" text NOT NULL,
	"grid_path" text NOT NULL,
	"unit_ids" text[] NOT NULL,
	"status" text NOT NULL,
	"start_level" integer NOT NULL,
	"current_level" integer NOT NULL,
	"final_level" integer,
	"escalations" integer DEFAULT 0 NOT NULL,
	"auto_escalations" integer DEFAULT 0 NOT NULL,
	"late_units" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reopens" integer DEFAULT 0 NOT NULL,
	"on_time" boolean,
	"red_card" boolean DEFAULT false NOT NULL,
	"satisfaction" text,
	"reported_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"hotline_type" text,
	"hotline_responded" boolean,
	"hotline_resolved" boolean
);
--> statement-breakpoint
CREATE TABLE "incident_routing_rules" (
	"category_code" text NOT NULL,
	"level" integer NOT NULL,
	"mode" text NOT NULL,
	"target" text,
	CONSTRAINT "incident_routing_rules_category_code_level_pk" PRIMARY KEY("category_code","level"),
	CONSTRAINT "incident_routing_rules_level" CHECK ("incident_routing_rules"."level" between 1 and 4),
	CONSTRAINT "incident_routing_rules_mode" CHECK ("incident_routing_rules"."mode" in ('ancestor', 'agency', 'unit')),
	CONSTRAINT "incident_routing_rules_target" CHECK (("incident_routing_rules"."mode" = 'ancestor') = ("incident_routing_rules"."target" is null)),
	CONSTRAINT "incident_routing_rules_l4_unit" CHECK ("incident_routing_rules"."level" < 4 or "incident_routing_rules"."mode" = 'unit')
);
--> statement-breakpoint
CREATE TABLE "incident_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_time_limits" (
	"category_code" text NOT NULL,
	"urgency_code" text NOT NULL,
	"level" integer NOT NULL,
	"limit" jsonb NOT NULL,
	CONSTRAINT "incident_time_limits_category_code_urgency_code_level_pk" PRIMARY KEY("category_code","urgency_code","level"),
	CONSTRAINT "incident_time_limits_level" CHECK ("incident_time_limits"."level" between 1 and 4)
);
--> statement-breakpoint
CREATE TABLE "incident_urgencies" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"may_jump" boolean DEFAULT false NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incident_facts" ADD CONSTRAINT "incident_facts_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_facts" ADD CONSTRAINT "incident_facts_grid_id_org_units_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_routing_rules" ADD CONSTRAINT "incident_routing_rules_category_code_incident_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."incident_categories"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_time_limits" ADD CONSTRAINT "incident_time_limits_category_code_incident_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."incident_categories"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_time_limits" ADD CONSTRAINT "incident_time_limits_urgency_code_incident_urgencies_code_fk" FOREIGN KEY ("urgency_code") REFERENCES "public"."incident_urgencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_facts_reported_idx" ON "incident_facts" USING btree ("reported_at");--> statement-breakpoint
CREATE INDEX "incident_facts_grid_path_idx" ON "incident_facts" USING btree ("grid_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "incident_facts_unit_ids_idx" ON "incident_facts" USING gin ("unit_ids");