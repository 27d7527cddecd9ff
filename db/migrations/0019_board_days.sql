CREATE TABLE "case_board_days" (
	"day" date NOT NULL,
	"unit_id" text NOT NULL,
	"owner_unit_id" text NOT NULL,
	"process" "process_type" NOT NULL,
	"level" integer,
	"created" integer NOT NULL,
	"on_time" integer NOT NULL,
	"late" integer NOT NULL,
	CONSTRAINT "case_board_days_key" UNIQUE NULLS NOT DISTINCT("day","unit_id","owner_unit_id","process","level")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "red_clock" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "incident_late" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_open_by_deadline_idx" ON "cases" USING btree ("deadline","id") WHERE "cases"."closed_at" is null;--> statement-breakpoint
-- What the daily trend needs of a case's clocks and incident facts, on the case's own row: a red clock
-- (kept at commit by a deferred trigger on case_clocks, so the projection's replace-all of a case's
-- clocks changes it at most once), incident facts saying late (kept by a trigger on incident_facts;
-- one facts row per case, written under its own row lock, so the last write wins in commit order).
UPDATE "cases" c SET "red_clock" = true WHERE EXISTS (SELECT 1 FROM "case_clocks" k WHERE k."case_id" = c."id" AND k."level" = 'red');
--> statement-breakpoint
UPDATE "cases" c SET "incident_late" = true FROM "incident_facts" f WHERE f."case_id" = c."id" AND f."on_time" = false;
--> statement-breakpoint
CREATE FUNCTION case_clocks_red_clock() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
  k text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    ids := ARRAY[NEW.case_id];
  ELSIF TG_OP = 'DELETE' THEN
    ids := ARRAY[OLD.case_id];
  ELSE
    ids := ARRAY[OLD.case_id, NEW.case_id];
  END IF;
  FOREACH k IN ARRAY ids LOOP
    -- Lock the case first, then look at its clocks in a statement of its own (a fresh snapshot): a
    -- writer of the same case's clocks that committed meanwhile is seen, one still running waits here.
    PERFORM 1 FROM cases WHERE id = k FOR NO KEY UPDATE;
    UPDATE cases SET red_clock = r.red
    FROM (SELECT EXISTS (SELECT 1 FROM case_clocks WHERE case_id = k AND level = 'red') AS red) r
    WHERE id = k AND red_clock <> r.red;
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER case_clocks_red_insert AFTER INSERT ON case_clocks DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (NEW.level = 'red') EXECUTE FUNCTION case_clocks_red_clock();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER case_clocks_red_delete AFTER DELETE ON case_clocks DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (OLD.level = 'red') EXECUTE FUNCTION case_clocks_red_clock();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER case_clocks_red_update AFTER UPDATE ON case_clocks DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (OLD.level = 'red' OR NEW.level = 'red') EXECUTE FUNCTION case_clocks_red_clock();
--> statement-breakpoint
CREATE FUNCTION case_clocks_red_clock_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases SET red_clock = false WHERE red_clock;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER case_clocks_red_clock_truncate AFTER TRUNCATE ON case_clocks FOR EACH STATEMENT EXECUTE FUNCTION case_clocks_red_clock_truncate();
--> statement-breakpoint
CREATE FUNCTION incident_facts_late() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.case_id <> NEW.case_id) THEN
    UPDATE cases SET incident_late = false WHERE id = OLD.case_id AND incident_late;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE cases SET incident_late = (NEW.on_time IS NOT DISTINCT FROM false)
    WHERE id = NEW.case_id AND incident_late <> (NEW.on_time IS NOT DISTINCT FROM false);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER incident_facts_late_insert AFTER INSERT ON incident_facts
FOR EACH ROW WHEN (NEW.on_time = false) EXECUTE FUNCTION incident_facts_late();
--> statement-breakpoint
CREATE TRIGGER incident_facts_late_update AFTER UPDATE ON incident_facts
FOR EACH ROW WHEN (OLD.on_time IS DISTINCT FROM NEW.on_time OR OLD.case_id <> NEW.case_id) EXECUTE FUNCTION incident_facts_late();
--> statement-breakpoint
CREATE TRIGGER incident_facts_late_delete AFTER DELETE ON incident_facts
FOR EACH ROW WHEN (OLD.on_time = false) EXECUTE FUNCTION incident_facts_late();
--> statement-breakpoint
CREATE FUNCTION incident_facts_late_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases SET incident_late = false WHERE incident_late;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER incident_facts_late_truncate AFTER TRUNCATE ON incident_facts FOR EACH STATEMENT EXECUTE FUNCTION incident_facts_late_truncate();
--> statement-breakpoint
-- Kept by a trigger, in the transaction of every write to `cases`: a case counts on the Beijing-time
-- day it was opened, in the group of its unit, owner unit, process and level, as opened, as closed on
-- time (closed with no red clock and no late incident facts), and as late (closed with either, or
-- open and red), exactly as the board's trend aggregated the cases before.
CREATE FUNCTION case_board_day_add(k_day date, k_unit text, k_owner text, k_process process_type, k_level integer, d_created integer, d_on_time integer, d_late integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO case_board_days AS d (day, unit_id, owner_unit_id, process, level, created, on_time, late)
  VALUES (k_day, k_unit, k_owner, k_process, k_level, d_created, d_on_time, d_late)
  ON CONFLICT ON CONSTRAINT case_board_days_key DO UPDATE
  SET created = d.created + excluded.created, on_time = d.on_time + excluded.on_time, late = d.late + excluded.late;
$$;
--> statement-breakpoint
CREATE FUNCTION cases_board_days() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  old_day date;
  new_day date;
  old_key text;
  new_key text;
  old_on integer := 0;
  old_late integer := 0;
  new_on integer := 0;
  new_late integer := 0;
  new_added boolean := TG_OP = 'DELETE';
BEGIN
  IF TG_OP <> 'INSERT' THEN
    old_day := (OLD.created_at AT TIME ZONE 'Asia/Shanghai')::date;
    old_key := ROW(old_day, OLD.unit_id, OLD.owner_unit_id, OLD.process, OLD.level)::text;
    old_on := (OLD.closed_at IS NOT NULL AND NOT (OLD.red_clock OR OLD.incident_late))::integer;
    old_late := (CASE WHEN OLD.closed_at IS NULL THEN OLD.colour = 'red' ELSE OLD.red_clock OR OLD.incident_late END)::integer;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_day := (NEW.created_at AT TIME ZONE 'Asia/Shanghai')::date;
    new_key := ROW(new_day, NEW.unit_id, NEW.owner_unit_id, NEW.process, NEW.level)::text;
    new_on := (NEW.closed_at IS NOT NULL AND NOT (NEW.red_clock OR NEW.incident_late))::integer;
    new_late := (CASE WHEN NEW.closed_at IS NULL THEN NEW.colour = 'red' ELSE NEW.red_clock OR NEW.incident_late END)::integer;
  END IF;
  IF TG_OP = 'UPDATE' AND old_key = new_key THEN
    IF old_on <> new_on OR old_late <> new_late THEN
      PERFORM case_board_day_add(new_day, NEW.unit_id, NEW.owner_unit_id, NEW.process, NEW.level, 0, new_on - old_on, new_late - old_late);
    END IF;
    RETURN NULL;
  END IF;
  -- Two groups are updated in key order (as case_board_counts), so two transitions moving cases
  -- between the same two groups in opposite directions wait for each other instead of deadlocking.
  IF NOT new_added AND (TG_OP = 'INSERT' OR new_key < old_key) THEN
    PERFORM case_board_day_add(new_day, NEW.unit_id, NEW.owner_unit_id, NEW.process, NEW.level, 1, new_on, new_late);
    new_added := true;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM case_board_day_add(old_day, OLD.unit_id, OLD.owner_unit_id, OLD.process, OLD.level, -1, -old_on, -old_late);
  END IF;
  IF NOT new_added THEN
    PERFORM case_board_day_add(new_day, NEW.unit_id, NEW.owner_unit_id, NEW.process, NEW.level, 1, new_on, new_late);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cases_board_days AFTER INSERT OR UPDATE OR DELETE ON cases FOR EACH ROW EXECUTE FUNCTION cases_board_days();
--> statement-breakpoint
CREATE FUNCTION cases_board_days_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE case_board_days;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cases_board_days_truncate AFTER TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION cases_board_days_truncate();
--> statement-breakpoint
-- Backfill: every case there is now.
INSERT INTO case_board_days (day, unit_id, owner_unit_id, process, level, created, on_time, late)
SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date, unit_id, owner_unit_id, process, level, count(*)::int,
  count(*) FILTER (WHERE closed_at IS NOT NULL AND NOT (red_clock OR incident_late))::int,
  count(*) FILTER (WHERE CASE WHEN closed_at IS NULL THEN colour = 'red' ELSE red_clock OR incident_late END)::int
FROM cases GROUP BY 1, 2, 3, 4, 5;
