-- A token names its user by one claim (AUTH_USER_CLAIM: sub = the user's id, or e.g.
-- preferred_username = the username), and people type either form (a transfer's "to" user): so no
-- username may equal another user's id, and no id another user's username. A unique index cannot
-- span two columns of different rows; this trigger can, serialised by an advisory lock so that two
-- concurrent writers cannot each miss the other's row. Errors use SQLSTATE 23505 (unique violation).
DO $$
DECLARE clash text;
BEGIN
  SELECT a.id || ' / ' || b.id INTO clash FROM users a JOIN users b ON a.username = b.id AND a.id <> b.id LIMIT 1;
  IF clash IS NOT NULL THEN
    RAISE EXCEPTION 'users % : a username equals another user''s id; rename one before upgrading (用户名与其他用户的编号相同，请先改名)', clash;
  END IF;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION users_ids_usernames_distinct() RETURNS trigger AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('users: ids and usernames distinct'));
  IF EXISTS (SELECT 1 FROM users WHERE id = NEW.username AND id <> NEW.id AND (TG_OP = 'INSERT' OR id <> OLD.id)) THEN
    RAISE EXCEPTION USING ERRCODE = '23505', CONSTRAINT = 'users_username_not_another_id',
      MESSAGE = format('username "%s" is another user''s id (用户名与其他用户的编号相同)', NEW.username);
  END IF;
  IF EXISTS (SELECT 1 FROM users WHERE username = NEW.id AND id <> NEW.id AND (TG_OP = 'INSERT' OR id <> OLD.id)) THEN
    RAISE EXCEPTION USING ERRCODE = '23505', CONSTRAINT = 'users_id_not_another_username',
      MESSAGE = format('id "%s" is another user''s username (用户编号与其他用户的用户名相同)', NEW.id);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_ids_usernames_distinct BEFORE INSERT OR UPDATE OF id, username ON users
  FOR EACH ROW EXECUTE FUNCTION users_ids_usernames_distinct();
