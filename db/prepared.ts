import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Db } from './index';

/** At most this many statement texts are prepared (per pool; each connection prepares those it runs). */
export const MAX_PREPARED_STATEMENTS = 256;
/** Texts seen once are forgotten past this many, so one-off statements cannot grow the memory. */
const MAX_SEEN_ONCE = 4096;

/**
 * Which statement texts run as named prepared statements: a text with parameters seen a second
 * time, while fewer than {@link MAX_PREPARED_STATEMENTS} have been named. Its name is a hash of the
 * text, so the same text has the same name on every connection and two texts never share one.
 */
export class StatementNames {
  private readonly named = new Map<string, string>();
  private readonly seenOnce = new Set<string>();

  nameOf(text: string): string | undefined {
    const name = this.named.get(text);
    if (name || this.named.size >= MAX_PREPARED_STATEMENTS) return name;
    if (!this.seenOnce.has(text)) {
      if (this.seenOnce.size >= MAX_SEEN_ONCE) this.seenOnce.clear();
      this.seenOnce.add(text);
      return undefined;
    }
    this.seenOnce.delete(text);
    const fresh = `s${createHash('sha1').update(text).digest('base64url')}`;
    this.named.set(text, fresh);
    return fresh;
  }

  get size(): number {
    return this.named.size;
  }
}

/**
 * Make `client` run repeated parameterised statements (drizzle's `{ text }` configs with values) as
 * named prepared statements, which PostgreSQL parses and analyses once per connection and may keep
 * a plan for. Every action runs the same few statements (sign-in check, idempotency key, case
 * lookup, projection); as unnamed statements PostgreSQL parsed, analysed and planned each anew, a
 * large part of what they cost it (the projection alone is a dozen CTEs). Statements without
 * parameters keep the simple protocol (it allows several statements in one text).
 */
export function prepareRepeatedStatements(client: pg.ClientBase, names: StatementNames): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const [config, values] = args;
    if (config && typeof config === 'object' && !('submit' in config)) {
      const c = config as pg.QueryConfig;
      const params = Array.isArray(values) ? values : c.values;
      if (!c.name && typeof c.text === 'string' && params?.length) {
        const name = names.nameOf(c.text);
        if (name) args[0] = { ...c, name };
      }
    }
    return query(...args);
  }) as unknown as pg.ClientBase['query'];
}

/**
 * A statement built once per database and then only run: `build` makes it with drizzle's
 * `.prepare(name)` and `sql.placeholder(…)` for its values, and each call fills those in. The
 * request path's statements (sign-in check, idempotency key, case lookup, access audit) were built
 * from the schema on every request; drizzle's query building was the largest piece of the API's own
 * CPU per action (a CPU profile of `bench:throughput`, issue 19). `name` must be unique per text:
 * it is the statement's name on every connection.
 */
export function builtOnce<S>(build: (db: Db) => S): (db: Db) => S {
  const built = new WeakMap<Db, S>();
  return (db) => {
    let statement = built.get(db);
    if (statement === undefined) {
      statement = build(db);
      built.set(db, statement);
    }
    return statement;
  };
}
