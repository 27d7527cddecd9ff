import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { attachments } from '../../db/schema/attachments';
import { createAttachmentStore } from '../../runtime/attachment-store';
import { createTestApp, type TestApp } from '../support/app';
import { startS3Server, type S3Server } from '../support/s3-server';
import { eq } from 'drizzle-orm';

// The S3 attachment store against a real S3-compatible server (moto), through the configuration a
// county sets (ATTACHMENT_STORE=s3, S3_*), and an upload through the API landing in the bucket.

const BUCKET = 'township-evidence';
let s3: S3Server;
let client: S3Client;
let env: Record<string, string>;

beforeAll(async () => {
  s3 = await startS3Server();
  env = {
    ATTACHMENT_STORE: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: BUCKET,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'test',
    S3_SECRET_ACCESS_KEY: 'test',
    S3_FORCE_PATH_STYLE: 'true',
  };
  client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 90_000);

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

describe('the S3 attachment store (ATTACHMENT_STORE=s3) on a real S3-compatible server', () => {
  it('puts, gets, stats and deletes by key; a missing key is null', async () => {
    const store = createAttachmentStore(loadConfig(env).attachments.store);
    const bytes = Buffer.from('%PDF-1.4\n%%EOF');
    expect(await store.get('2026/12/missing')).toBeNull();
    expect(await store.stat('2026/12/missing')).toBeNull();
    await store.put('2026/12/a', bytes, 'application/pdf');
    expect(await store.get('2026/12/a')).toEqual(bytes);
    expect(await store.stat('2026/12/a')).toEqual({ size: bytes.length, contentType: 'application/pdf' });
    await store.delete('2026/12/a');
    expect(await store.get('2026/12/a')).toBeNull();
    await expect(store.put('../escape', bytes, 'application/pdf')).rejects.toThrow(/unsafe attachment key/);
  });

  describe('an upload through the API', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env });
    }, 60_000);
    afterAll(() => t?.close());

    it('stores the photo and its thumbnail in the bucket, with the hash the API answered', async () => {
      const jpeg = await sharp({
        create: { width: 640, height: 480, channels: 3, background: { r: 150, g: 90, b: 40 } },
      })
        .jpeg()
        .toBuffer();
      const res = await request(t.app)
        .post('/api/v1/attachments')
        .set('authorization', `Bearer ${await t.tokenFor('t01.v01.g01.grid')}`)
        .attach('file', jpeg, { filename: '现场.jpg', contentType: 'image/jpeg' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const [row] = await t.tdb.db
        .select()
        .from(attachments)
        .where(eq(attachments.id, res.body.id as string));
      expect(row).toBeDefined();
      const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: row!.storageKey }));
      expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(jpeg);
      expect(object.ContentType).toBe('image/jpeg');
      expect(row!.thumbnailKey).toBeTruthy();
      const thumb = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: row!.thumbnailKey! }));
      const meta = await sharp(Buffer.from(await thumb.Body!.transformToByteArray())).metadata();
      expect(meta.width).toBeLessThanOrEqual(320);
      expect(res.body.sha256).toBe(row!.sha256);
    });
  });
});
