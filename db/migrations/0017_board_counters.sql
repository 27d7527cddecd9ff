CREATE TABLE "case_board_counts" (
	"unit_id" text NOT NULL,
	"owner_unit_id" text NOT NULL,
	"process" "process_type" NOT NULL,
	"level" integer,
	"clock_kind" text NOT NULL,
	"colour" "clock_level" NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "case_board_counts_key" UNIQUE NULLS NOT DISTINCT("unit_id","owner_unit_id","process","level","clock_kind","colour")
);
--> statement-breakpoint
-- Kept by a trigger, in the transaction of every write to `cases` (the projection's): an open case
-- counts in the group of its unit, owner unit, process, level, clock kind and colour.
CREATE FUNCTION case_board_count_add(k_unit text, k_owner text, k_process process_type, k_level integer, k_kind text, k_colour clock_level, delta integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO case_board_counts AS c (unit_id, owner_unit_id, process, level, clock_kind, colour, n)
  VALUES (k_unit, k_owner, k_process, k_level, k_kind, k_colour, delta)
  ON CONFLICT ON CONSTRAINT case_board_counts_key DO UPDATE SET n = c.n + excluded.n;
$$;
--> statement-breakpoint
CREATE FUNCTION cases_board_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  was_open boolean := false;
  is_open boolean := false;
  old_key text;
  new_key text;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    was_open := OLD.closed_at IS NULL;
    old_key := ROW(OLD.unit_id, OLD.owner_unit_id, OLD.process, OLD.level, OLD.clock_kind, OLD.colour)::text;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    is_open := NEW.closed_at IS NULL;
    new_key := ROW(NEW.unit_id, NEW.owner_unit_id, NEW.process, NEW.level, NEW.clock_kind, NEW.colour)::text;
  END IF;
  IF was_open AND is_open AND old_key = new_key THEN
    RETURN NULL;
  END IF;
  -- Two groups are updated in key order, so two transitions moving cases between the same two
  -- groups in opposite directions wait for each other instead of deadlocking.
  IF is_open AND (NOT was_open OR new_key < old_key) THEN
    PERFORM case_board_count_add(NEW.unit_id, NEW.owner_unit_id, NEW.process, NEW.level, NEW.clock_kind, NEW.colour, 1);
    is_open := false;
  END IF;
  IF was_open THEN
    PERFORM case_board_count_add(OLD.unit_id, OLD.owner_unit_id, OLD.process, OLD.level, OLD.clock_kind, OLD.colour, -1);
  END IF;
  IF is_open THEN
    PERFORM case_board_count_add(NEW.unit_id, NEW.owner_unit_id, NEW.process, NEW.level, NEW.clock_kind, NEW.colour, 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cases_board_counts AFTER INSERT OR UPDATE OR DELETE ON cases FOR EACH ROW EXECUTE FUNCTION cases_board_counts();
--> statement-breakpoint
CREATE FUNCTION cases_board_counts_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE case_board_counts;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cases_board_counts_truncate AFTER TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION cases_board_counts_truncate();
--> statement-breakpoint
-- Backfill: the open cases there are now.
INSERT INTO case_board_counts (unit_id, owner_unit_id, process, level, clock_kind, colour, n)
SELECT unit_id, owner_unit_id, process, level, clock_kind, colour, count(*)::int FROM cases WHERE closed_at IS NULL GROUP BY 1, 2, 3, 4, 5, 6;
