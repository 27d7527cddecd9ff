import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../support/db';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb.drop();
});

describe('audit_log is append-only in the database', () => {
  it('accepts inserts and refuses updates and deletes', async () => {
    const row = {
      streamId: 'admin:test',
      seq: 1,
      actorId: 'u1',
      action: 'x',
      at: new Date(),
      prevHash: '0',
      hash: '1',
    };
    await tdb.db.insert(auditLog).values(row);
    const refused = { cause: expect.objectContaining({ message: expect.stringMatching(/append-only/) }) };
    await expect(tdb.db.update(auditLog).set({ action: 'y' })).rejects.toMatchObject(refused);
    await expect(tdb.db.delete(auditLog)).rejects.toMatchObject(refused);
    await expect(tdb.db.execute(sql`truncate audit_log`)).rejects.toMatchObject(refused);
    const rows = await tdb.db.select().from(auditLog);
    expect(rows.map((r) => r.action)).toEqual(['x']);
  });
});
