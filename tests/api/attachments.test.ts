import { mkdtempSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { attachments, auditLog, cases } from '../../db/schema';
import { useTestSystem } from '../support/system';

const dataDir = mkdtempSync(path.join(tmpdir(), 'attachments-test-'));
const MAX_BYTES = 200_000;
const t = useTestSystem('attachments', {
  nextYearCalendar: true,
  env: { DATA_DIR: dataDir, ATTACHMENT_MAX_BYTES: String(MAX_BYTES) },
});

type Body = Record<string, unknown>;
const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });

const GRID = 'lk.t01.v01.g01';
const GRID_WORKER = 't01.v01.g01.grid';
const VILLAGE = 't01.v01.handler';
/** Sees every case of the township (a subtree role). */
const READER = 't01.dispatcher';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A real JPEG of the given colour (a photo from the phone, in small). */
const photo = (r: number, g = 120, b = 80, width = 640) =>
  sharp({ create: { width, height: 480, channels: 3, background: { r, g, b } } })
    .jpeg()
    .toBuffer();

async function upload(username: string, url: string, bytes: Buffer, filename: string, contentType: string) {
  return api()
    .post(url)
    .set(await auth(username))
    .attach('file', bytes, { filename, contentType });
}

async function uploaded(
  username: string,
  url: string,
  bytes: Buffer,
  filename = '现场.jpg',
  contentType = 'image/jpeg',
) {
  const res = await upload(username, url, bytes, filename, contentType);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    id: string;
    sha256: string;
    name: string;
    caseId: string | null;
    auditSeq: number | null;
    thumbnail: boolean;
  };
}

async function report(username: string, body: Body = {}) {
  const res = await api()
    .post('/api/v1/incidents')
    .set(await auth(username))
    .send({
      source: 'photo',
      categoryCode: 'city-appearance',
      gridId: GRID,
      title: '垃圾堆放',
      description: '村口垃圾堆放未清运',
      location: { address: '胡寨村村口' },
      ...body,
    });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { caseId: string; assignee: { unitId: string; role: string } };
}

async function act(username: string, id: string, action: Body) {
  return api()
    .post(`/api/v1/incidents/${id}/actions`)
    .set(await auth(username))
    .send(action);
}

async function auditOf(id: string) {
  return t.tdb.db.select().from(auditLog).where(eq(auditLog.streamId, id)).orderBy(auditLog.seq);
}

async function stateOf(id: string) {
  const [row] = await t.tdb.db.select().from(cases).where(eq(cases.id, id));
  const [audit] = await t.tdb.db.select({ n: count() }).from(auditLog).where(eq(auditLog.streamId, id));
  return { row, audit: audit!.n };
}

/** The user who holds the event now (a village handler or the grid worker, by routing). */
function holderOf(e: { assignee: { unitId: string } }): string {
  return e.assignee.unitId === GRID ? GRID_WORKER : VILLAGE;
}

describe('uploads', () => {
  it('refuses a file over ATTACHMENT_MAX_BYTES with 413 problem+json and keeps nothing', async () => {
    const before = await t.tdb.db.select({ n: count() }).from(attachments);
    const big = Buffer.concat([await photo(10), Buffer.alloc(MAX_BYTES)]);
    const res = await upload(GRID_WORKER, '/api/v1/attachments', big, 'big.jpg', 'image/jpeg');
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ code: 'file-too-large', limit: MAX_BYTES });
    expect(res.body.detail).toContain('文件过大');
    expect(await t.tdb.db.select({ n: count() }).from(attachments)).toEqual(before);
  });

  it('refuses a type outside the allow-list, and a file whose content is not what it declares (415)', async () => {
    const exe = Buffer.from('MZ\x90\x00 this is not a photo');
    const wrong = await upload(GRID_WORKER, '/api/v1/attachments', exe, 'x.exe', 'application/octet-stream');
    expect(wrong.status).toBe(415);
    expect(wrong.body).toMatchObject({ code: 'attachment-type-not-allowed' });
    expect(wrong.body.detail).toMatch(/不支持的文件类型.*JPEG/);
    const en = await api()
      .post('/api/v1/attachments')
      .set(await auth(GRID_WORKER))
      .set('accept-language', 'en')
      .attach('file', exe, { filename: 'x.exe', contentType: 'application/octet-stream' });
    expect(en.body.detail).toMatch(/Unsupported file type.*JPEG/);
    // Declared a JPEG, but the bytes are HTML: the content decides.
    const disguised = await upload(
      GRID_WORKER,
      '/api/v1/attachments',
      Buffer.from('<html><script>alert(1)</script></html>'),
      'a.jpg',
      'image/jpeg',
    );
    expect(disguised.status).toBe(415);
    // A PDF declared as a PNG.
    const mismatch = await upload(
      GRID_WORKER,
      '/api/v1/attachments',
      Buffer.from('%PDF-1.7\n%%EOF'),
      'a.png',
      'image/png',
    );
    expect(mismatch).toMatchObject({ status: 415, body: { code: 'attachment-type-mismatch' } });
    // No file at all.
    const none = await api()
      .post('/api/v1/attachments')
      .set(await auth(GRID_WORKER))
      .field('note', 'x');
    expect(none).toMatchObject({ status: 400, body: { code: 'file-required' } });
  });

  it('keeps a photo with its SHA-256 and a thumbnail, and a PDF without one', async () => {
    const bytes = await photo(200);
    const file = await uploaded(GRID_WORKER, '/api/v1/attachments', bytes, '村口垃圾.jpg');
    expect(file).toMatchObject({
      name: '村口垃圾.jpg',
      caseId: null,
      auditSeq: null,
      thumbnail: true,
      sha256: sha(bytes),
    });
    const pdf = await uploaded(
      GRID_WORKER,
      '/api/v1/attachments',
      Buffer.from('%PDF-1.4\n1 0 obj\n%%EOF'),
      '记录.pdf',
      'application/pdf',
    );
    expect(pdf.thumbnail).toBe(false);
  });
});

describe('files as evidence on an incident', () => {
  it('a report carries its photo: bound to the case and its audit entry, hash in the entry; readable by those who see the case only', async () => {
    const before = await photo(30);
    const file = await uploaded(GRID_WORKER, '/api/v1/attachments', before, '整改前.jpg');
    // Another user may not submit my upload with their report.
    const dispatcher = await api()
      .post('/api/v1/incidents')
      .set(await auth('t01.dispatcher'))
      .send({
        source: 'patrol',
        categoryCode: 'city-appearance',
        gridId: GRID,
        title: 'x',
        description: 'x',
        location: { address: 'x' },
        attachmentIds: [file.id],
      });
    expect(dispatcher).toMatchObject({ status: 422, body: { code: 'attachment-not-of-case' } });

    const e = await report(GRID_WORKER, { attachmentIds: [file.id] });
    const [entry] = await auditOf(e.caseId);
    expect(entry).toMatchObject({ seq: 1, action: 'incident.report' });
    expect((entry!.after as { attachments: unknown[] }).attachments).toEqual([
      { id: file.id, sha256: sha(before), name: '整改前.jpg', contentType: 'image/jpeg' },
    ]);
    const [row] = await t.tdb.db.select().from(attachments).where(eq(attachments.id, file.id));
    expect(row).toMatchObject({ caseId: e.caseId, auditSeq: 1 });

    // A bound file cannot be carried again.
    const reuse = await api()
      .post('/api/v1/incidents')
      .set(await auth(GRID_WORKER))
      .send({
        source: 'photo',
        categoryCode: 'city-appearance',
        gridId: GRID,
        title: 'x',
        description: 'x',
        location: { address: 'x' },
        attachmentIds: [file.id],
      });
    expect(reuse.status).toBe(422);

    const list = await api()
      .get(`/api/v1/cases/${e.caseId}/attachments`)
      .set(await auth(READER));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ id: file.id, auditSeq: 1, sha256: sha(before) })]);
    const bytes = await api()
      .get(`/api/v1/cases/${e.caseId}/attachments/${file.id}`)
      .set(await auth(READER))
      .buffer(true);
    expect(bytes.status).toBe(200);
    expect(bytes.headers['content-type']).toBe('image/jpeg');
    expect(bytes.headers['x-content-type-options']).toBe('nosniff');
    expect(sha(bytes.body as Buffer)).toBe(sha(before));
    const thumb = await api()
      .get(`/api/v1/cases/${e.caseId}/attachments/${file.id}/thumbnail`)
      .set(await auth(READER))
      .buffer(true);
    expect(thumb.status).toBe(200);
    expect((await sharp(thumb.body as Buffer).metadata()).width).toBeLessThanOrEqual(320);

    // Another village's handler sees neither the case nor its files, nor may it upload to it.
    for (const url of [
      `/api/v1/cases/${e.caseId}/attachments`,
      `/api/v1/cases/${e.caseId}/attachments/${file.id}`,
      `/api/v1/cases/${e.caseId}/attachments/${file.id}/thumbnail`,
    ]) {
      const res = await api()
        .get(url)
        .set(await auth('t01.v02.handler'));
      expect(res.status, url).toBe(404);
    }
    const foreign = await upload(
      't01.v02.handler',
      `/api/v1/cases/${e.caseId}/attachments`,
      await photo(1),
      'x.jpg',
      'image/jpeg',
    );
    expect(foreign.status).toBe(404);
    expect(
      await t.tdb.db.select({ n: count() }).from(attachments).where(eq(attachments.uploaderId, 'u.lk.t01.v02.handler')),
    ).toEqual([{ n: 0 }]);
  });

  it('resolving needs a photo or a stated reason: refused otherwise with the case unchanged; the after-photo and the verify photo are bound to their entries', async () => {
    const e = await report(GRID_WORKER);
    const holder = holderOf(e);
    expect((await act(holder, e.caseId, { type: 'sign' })).status).toBe(200);

    const unchanged = await stateOf(e.caseId);
    for (const [lang, pattern] of [
      ['zh-CN', /办结须上传至少一张处置后照片，或说明无法拍照的原因/],
      ['en', /at least one photo of the result, or a stated reason/],
    ] as const) {
      const res = await api()
        .post(`/api/v1/incidents/${e.caseId}/actions`)
        .set(await auth(holder))
        .set('accept-language', lang)
        .send({ type: 'resolve', result: '已清运', evidence: ['记录:1'] });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.code).toBe('resolve-photo-required');
      expect(res.body.detail).toMatch(pattern);
    }
    // A PDF is not a photo.
    const pdf = await uploaded(
      holder,
      `/api/v1/cases/${e.caseId}/attachments`,
      Buffer.from('%PDF-1.4\n%%EOF'),
      '记录.pdf',
      'application/pdf',
    );
    expect(
      (await act(holder, e.caseId, { type: 'resolve', result: '已清运', attachmentIds: [pdf.id] })).body.code,
    ).toBe('resolve-photo-required');
    expect(await stateOf(e.caseId)).toEqual(unchanged);
    // A file of another case is refused.
    const other = await report(GRID_WORKER);
    const elsewhere = await uploaded(GRID_WORKER, `/api/v1/cases/${other.caseId}/attachments`, await photo(90));
    expect(
      (await act(holder, e.caseId, { type: 'resolve', result: '已清运', attachmentIds: [elsewhere.id] })).body.code,
    ).toBe('attachment-not-of-case');
    expect(await stateOf(e.caseId)).toEqual(unchanged);

    const after = await photo(220, 220, 220);
    const afterFile = await uploaded(holder, `/api/v1/cases/${e.caseId}/attachments`, after, '整改后.jpg');
    // An upload not yet carried by an action is the uploader's draft: others do not list it.
    expect(
      (
        await api()
          .get(`/api/v1/cases/${e.caseId}/attachments`)
          .set(await auth('t01.dispatcher'))
      ).body,
    ).toEqual([]);
    const resolved = await act(holder, e.caseId, {
      type: 'resolve',
      result: '已清运',
      attachmentIds: [afterFile.id, pdf.id],
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    const entries = await auditOf(e.caseId);
    const resolveEntry = entries.find((a) => a.action === 'incident.resolve')!;
    expect((resolveEntry.after as { attachments: { sha256: string }[] }).attachments.map((a) => a.sha256)).toEqual([
      sha(after),
      pdf.sha256,
    ]);
    const rows = await t.tdb.db.select().from(attachments).where(eq(attachments.caseId, e.caseId));
    expect(rows.map((r) => [r.id, r.auditSeq]).sort()).toEqual(
      [
        [afterFile.id, resolveEntry.seq],
        [pdf.id, resolveEntry.seq],
      ].sort(),
    );
    // The entry is what the chain hashes: the chain still verifies.
    const verify = await api()
      .get(`/api/v1/cases/${e.caseId}/audit/verify`)
      .set(await auth(holder));
    expect(verify.body).toMatchObject({ ok: true });

    const check = await photo(100, 200, 100);
    // The on-site check is the other side's: the reporting grid worker checks what the village resolved.
    const verifier = holder === VILLAGE ? GRID_WORKER : VILLAGE;
    const checkFile = await uploaded(verifier, `/api/v1/cases/${e.caseId}/attachments`, check, '核查.jpg');
    const verified = await act(verifier, e.caseId, {
      type: 'verify',
      passed: true,
      note: '现场已清理',
      attachmentIds: [checkFile.id],
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    const verifyEntry = (await auditOf(e.caseId)).find((a) => a.action === 'incident.verify')!;
    expect((verifyEntry.after as { attachments: { id: string; sha256: string }[] }).attachments).toEqual([
      expect.objectContaining({ id: checkFile.id, sha256: sha(check) }),
    ]);
  });

  it('resolves without a photo when the reason is stated, and records the reason', async () => {
    const e = await report(GRID_WORKER);
    const holder = holderOf(e);
    await act(holder, e.caseId, { type: 'sign' });
    const res = await act(holder, e.caseId, {
      type: 'resolve',
      result: '已口头劝导',
      noPhotoReason: '夜间现场无法拍照',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.resolution).toMatchObject({ noPhotoReason: '夜间现场无法拍照' });
    const entry = (await auditOf(e.caseId)).find((a) => a.action === 'incident.resolve')!;
    expect(entry.reason).toContain('夜间现场无法拍照');
  });
});

describe('files of other processes', () => {
  it('a withdrawn application’s scans stay readable by those who may read the case', async () => {
    const scan = Buffer.from('%PDF-1.4\n% 营业执照\n%%EOF');
    const file = await uploaded('t01.window', '/api/v1/attachments', scan, '营业执照.pdf', 'application/pdf');
    const res = await api()
      .post('/api/v1/approvals')
      .set(await auth('t01.window'))
      .send({
        applicant: { name: '李秀英' },
        matterCode: 'XK-SMALL-CATERING',
        channel: 'window',
        materials: ['business-licence', 'operator-id', 'premises-layout', 'food-safety-rules', 'health-certificates'],
        attachmentIds: [file.id],
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.caseId as string;
    const [submit] = await auditOf(id);
    expect((submit!.after as { attachments: { sha256: string }[] }).attachments[0]!.sha256).toBe(sha(scan));

    const withdrawn = await api()
      .post(`/api/v1/approvals/${id}/actions`)
      .set(await auth('t01.window'))
      .send({ type: 'withdraw', reason: '申请人决定暂不开业' });
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn' });
    await t.deps.temporal.workflow.getHandle(id).result();

    for (const reader of ['t01.window', 't01.supervisor']) {
      const read = await api()
        .get(`/api/v1/cases/${id}/attachments/${file.id}`)
        .set(await auth(reader))
        .buffer(true);
      expect(read.status, reader).toBe(200);
      expect(sha(read.body as Buffer)).toBe(sha(scan));
    }
    // Another township's window may not.
    expect(
      (
        await api()
          .get(`/api/v1/cases/${id}/attachments/${file.id}`)
          .set(await auth('t02.window'))
      ).status,
    ).toBe(404);
    // A closed case takes no more files.
    expect(
      (await upload('t01.window', `/api/v1/cases/${id}/attachments`, scan, 'x.pdf', 'application/pdf')).status,
    ).toBe(409);
  });

  it('a department reports its summons result with a photo', async () => {
    const A = 'lk.dept.scjg';
    const blown = await api()
      .post('/api/v1/summons')
      .set(await auth('t01.dispatcher'))
      .send({
        title: '废品收购站占道堆放',
        description: '涉及多部门',
        reasonCode: 'multi-department',
        urgency: 'urgent',
        complexity: 'complex',
        unitIds: [A, 'lk.dept.sthj'],
      });
    expect(blown.status, JSON.stringify(blown.body)).toBe(201);
    const id = blown.body.caseId as string;
    expect(
      (
        await api()
          .post(`/api/v1/summons/${id}/actions`)
          .set(await auth('t01.leader'))
          .send({ type: 'approve', note: '同意' })
      ).status,
    ).toBe(200);
    const part = (type: string, extra: Body = {}) =>
      api()
        .post(`/api/v1/summons/${id}/departments/${A}/actions`)
        .set(auth2)
        .send({ type, ...extra });
    const auth2 = await auth('scjg.liaison');
    expect((await part('acknowledge')).status).toBe(200);
    expect((await part('arrive')).status).toBe(200);
    const bytes = await photo(5, 5, 200);
    const file = await uploaded('scjg.liaison', `/api/v1/cases/${id}.${A}/attachments`, bytes, '现场.jpg');
    const reported = await part('report', { result: '已责令清理', attachmentIds: [file.id] });
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    const entry = (await auditOf(`${id}.${A}`)).find((a) => a.action === 'summons.part.report')!;
    expect((entry.after as { attachments: { sha256: string }[] }).attachments[0]!.sha256).toBe(sha(bytes));
    const [row] = await t.tdb.db.select().from(attachments).where(eq(attachments.id, file.id));
    expect(row!.auditSeq).toBe(entry.seq);
  });
});
