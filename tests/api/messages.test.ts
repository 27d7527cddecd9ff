import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_TEMPLATES } from '../../db/seed/catalogue';
import { createTestApp, type TestApp } from '../support/app';

/*
 * Every refusal speaks the caller's language (Simplified Chinese by default, English with
 * `Accept-Language: en`) and names the rule it applies — malformed input included: the messages of
 * zod's own checks, of the domain schemas' refinements, and the domain rules behind a shape bound.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const CJK = /[\u3400-\u9fff]/;
type Method = 'get' | 'post' | 'put';

async function call(method: Method, path: string, body: object | undefined, lang?: 'en'): Promise<request.Response> {
  const req = request(t.app)
    [method](`/api/v1${path}`)
    .set('Authorization', `Bearer ${await t.tokenFor('admin')}`);
  if (lang) req.set('Accept-Language', lang);
  return body ? req.send(body) : req;
}

/** The same request in both languages: the Chinese answer leads with Chinese, the English one has none. */
async function inBothLanguages(method: Method, path: string, body?: object) {
  const zh = await call(method, path, body);
  const en = await call(method, path, body, 'en');
  expect(en.status).toBe(zh.status);
  expect(zh.headers['content-type']).toMatch(/problem\+json/);
  expect(zh.body.detail, zh.body.detail).toMatch(CJK);
  expect(en.body.detail, en.body.detail).not.toMatch(CJK);
  for (const issue of zh.body.issues ?? []) expect(issue.message, issue.message).toMatch(CJK);
  for (const issue of en.body.issues ?? []) expect(issue.message, issue.message).not.toMatch(CJK);
  return { zh: zh.body, en: en.body, status: zh.status };
}

const day = { kind: 'holiday', name: '测试', reason: '更正' };
const catering = CATALOGUE_TEMPLATES.find((m) => m.code === 'XK-SMALL-CATERING')!;
const step = (key: string) => ({
  key,
  name: `环节${key}`,
  role: 'approver',
  unitRule: { kind: 'units', unitIds: ['lk.dept.scjg'] },
});

describe('refusals in the caller’s language', () => {
  it.each(['2026-02-30', '2026-13-01'])('an impossible date (%s) on PUT /calendar/days', async (date) => {
    const { zh, en, status } = await inBothLanguages('put', `/calendar/days/${date}`, day);
    expect(status).toBe(400);
    expect(zh.issues).toEqual([
      {
        path: 'path.date',
        message: `${date} 不是存在的日期，须为 YYYY-MM-DD`,
        message_en: `${date} is not a real date; expected YYYY-MM-DD`,
      },
    ]);
    expect(zh.detail).toBe(`路径参数校验未通过：path.date ${date} 不是存在的日期，须为 YYYY-MM-DD`);
    expect(en.detail).toBe(`Invalid path parameters: path.date ${date} is not a real date; expected YYYY-MM-DD`);
  });

  it('a 21-step chain is refused by the at-most-4-steps rule, not by a size bound', async () => {
    const body = { ...catering, code: 'XK-TWENTY-ONE', steps: Array.from({ length: 21 }, (_, i) => step(`s${i + 1}`)) };
    const { zh, en, status } = await inBothLanguages('post', '/matters', body);
    expect(status).toBe(422);
    expect(zh).toMatchObject({ code: 'too-many-steps', detail: '审批环节最多 4 个，当前定义了 21 个' });
    expect(en.detail).toBe('An approval chain has at most 4 steps; this one has 21');
  });

  it('zod’s own checks: type, size, enum, unknown field, discriminator', async () => {
    const wrongType = await inBothLanguages('post', '/matters', {
      ...catering,
      code: 'XK-BAD',
      statutoryLimitDays: 'twenty',
    });
    expect(wrongType.zh.issues).toContainEqual({
      path: 'body.statutoryLimitDays',
      message: '须为数字',
      message_en: 'must be a number',
    });
    const tooLong = await inBothLanguages('post', '/matters', {
      ...catering,
      code: 'XK-BAD',
      materials: Array.from({ length: 51 }, () => catering.materials[0]),
    });
    expect(tooLong.zh.issues).toContainEqual({
      path: 'body.materials',
      message: '最多 50 项',
      message_en: 'must have at most 50 items',
    });
    const missing = await inBothLanguages('post', '/matters', { ...catering, code: 'XK-BAD', name: undefined });
    expect(missing.zh.issues).toContainEqual({ path: 'body.name', message: '必填', message_en: 'required' });
    const badEnum = await inBothLanguages('post', '/matters', { ...catering, code: 'XK-BAD', kind: 'urgent' });
    expect(badEnum.zh.issues).toContainEqual({
      path: 'body.kind',
      message: '须为以下之一：instant、promise',
      message_en: 'must be one of: instant, promise',
    });
    const unknown = await inBothLanguages('post', '/matters', { ...catering, code: 'XK-BAD', colour: 'red' });
    expect(unknown.zh.issues).toContainEqual({
      path: 'body',
      message: '不允许的字段：colour',
      message_en: 'unknown fields: colour',
    });
    const action = await inBothLanguages('post', '/approvals/SP-2026-000001/actions', { type: 'approve-all' });
    expect(action.en.issues[0]).toMatchObject({
      path: 'body.type',
      message: expect.stringMatching(/^must be one of: notify-missing, supplement, accept/),
    });
  });

  it('bilingual refinements in domain and route schemas are split, not shown in both languages at once', async () => {
    const instant = await inBothLanguages('get', '/calendar/deadline?start=2025-02-30T10:00%2B08:00&amount=1');
    expect(instant.zh.issues).toEqual([
      { path: 'query.start', message: '日期或时间不存在', message_en: 'no such date or time' },
    ]);
    const singleStep = await inBothLanguages('post', '/matters', {
      ...catering,
      code: 'XK-BAD',
      steps: [{ ...step('a'), unitRule: { kind: 'units', unitIds: ['lk.dept.scjg', 'lk.dept.mzj'] } }],
    });
    expect(singleStep.en.issues).toEqual([
      {
        path: 'body.steps.0.unitRule',
        message: 'a single-sign step names exactly one unit',
        message_en: 'a single-sign step names exactly one unit',
      },
    ]);
    expect(singleStep.zh.issues[0].message).toBe('单人审批环节只能指定一个单位');
  });
});
