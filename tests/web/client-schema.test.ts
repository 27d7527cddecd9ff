import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { WEB_CLIENT_SCHEMA_PATH, webClientSchema } from '../../scripts/gen-web-client';

describe('the web client types (web/src/api/schema.d.ts)', () => {
  it('are what the OpenAPI document generates now: run `npm run gen:client` after changing a route', async () => {
    const checkedIn = await readFile(WEB_CLIENT_SCHEMA_PATH, 'utf8');
    const generated = await webClientSchema();
    // A mismatch names the first differing line rather than printing 13 000 lines.
    const a = checkedIn.split('\n');
    const b = generated.split('\n');
    const first = a.findIndex((line, i) => line !== b[i]);
    expect(
      first === -1 && a.length === b.length ? null : { line: first + 1, checkedIn: a[first], generated: b[first] },
    ).toBeNull();
  });
});
