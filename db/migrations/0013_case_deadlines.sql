ALTER TABLE "cases" ADD COLUMN "case_deadline" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "step_deadline" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "clock_kind" text DEFAULT 'case' NOT NULL;--> statement-breakpoint
-- Backfill: other processes' own deadline is their nearest one; an approval's is its promised
-- (or 特事特办) clock, its step limit the running step clock, and before acceptance its clocks are
-- the pre-check and 补正 periods.
UPDATE "cases" SET "case_deadline" = "deadline" WHERE "process" <> 'approval';--> statement-breakpoint
UPDATE "cases" c SET
  "case_deadline" = (SELECT k."deadline" FROM "case_clocks" k WHERE k."case_id" = c."id" AND k."key" IN ('expedite', 'case') ORDER BY k."key" = 'expedite' DESC LIMIT 1),
  "step_deadline" = (SELECT k."deadline" FROM "case_clocks" k WHERE k."case_id" = c."id" AND k."key" LIKE 'step:%' AND k."state" = 'running' LIMIT 1),
  "clock_kind" = CASE WHEN c."status" IN ('submitted', 'awaiting-supplement') THEN 'pre-acceptance' ELSE 'case' END
WHERE c."process" = 'approval';
