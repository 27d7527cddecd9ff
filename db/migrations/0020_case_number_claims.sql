CREATE TABLE "case_number_claims" (
	"workflow_id" text NOT NULL,
	"run_id" text NOT NULL,
	"activity_id" text NOT NULL,
	"process" "process_type" NOT NULL,
	"numbers" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_number_claims_workflow_id_run_id_activity_id_pk" PRIMARY KEY("workflow_id","run_id","activity_id")
);
