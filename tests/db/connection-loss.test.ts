import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db';

// PostgreSQL going away while a transaction holds a connection between two statements (the
// postgres-stop fault test stops it under 500 cases in flight) must fail that transaction, not
// crash the process with an unheard 'error' event on the checked-out client.
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

describe('a connection lost in the middle of a transaction', () => {
  it('fails that transaction and leaves the pool usable', async () => {
    let terminated!: () => void;
    const gone = new Promise<void>((resolve) => (terminated = resolve));
    const tx = tdb.db.transaction(async (t) => {
      const [{ pid }] = (await t.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows as [
        { pid: number },
      ];
      // Another connection ends this one's backend while the transaction waits between statements.
      await tdb.db.execute(sql`select pg_terminate_backend(${pid})`);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the FATAL message arrives meanwhile
      terminated();
      await t.execute(sql`select 1`);
    });
    await expect(tx).rejects.toThrow();
    await gone;
    const again = await tdb.db.execute<{ one: number }>(sql`select 1 as one`);
    expect(again.rows[0]).toEqual({ one: 1 });
  });
});
