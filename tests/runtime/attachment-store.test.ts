import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { createAttachmentStore, FileAttachmentStore, S3AttachmentStore } from '../../runtime/attachment-store';

describe('the DATA_DIR attachment store', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'attachment-store-'));
  const store = new FileAttachmentStore(dir);

  it('puts, gets, stats and deletes by key', async () => {
    const bytes = Buffer.from('%PDF-1.4\n%%EOF');
    expect(await store.get('2026/12/a')).toBeNull();
    expect(await store.stat('2026/12/a')).toBeNull();
    await store.put('2026/12/a', bytes, 'application/pdf');
    expect(await store.get('2026/12/a')).toEqual(bytes);
    expect(await store.stat('2026/12/a')).toEqual({ size: bytes.length, contentType: 'application/pdf' });
    // Written under a temporary name and renamed: nothing half-written is left behind.
    expect(readdirSync(path.join(dir, '2026', '12')).sort()).toEqual(['a', 'a.type']);
    await store.delete('2026/12/a');
    expect(await store.get('2026/12/a')).toBeNull();
    await expect(store.delete('2026/12/a')).resolves.toBeUndefined();
  });

  it('refuses keys that could leave its directory', async () => {
    for (const key of ['../escape', '/etc/passwd', 'a/../../b', '', 'a//b']) {
      await expect(store.put(key, Buffer.from('x'), 'text/plain'), key).rejects.toThrow(/unsafe attachment key/);
    }
  });
});

describe('choosing the store from the configuration', () => {
  it('files under DATA_DIR by default; an S3 bucket with ATTACHMENT_STORE=s3, which needs S3_BUCKET', () => {
    const files = loadConfig({ DATA_DIR: '/srv/township' });
    expect(files.attachments).toEqual({
      maxBytes: 10 * 1_048_576,
      store: { kind: 'files', dir: '/srv/township/attachments' },
    });
    expect(createAttachmentStore(files.attachments.store)).toBeInstanceOf(FileAttachmentStore);
    const s3 = loadConfig({
      ATTACHMENT_STORE: 's3',
      S3_BUCKET: 'evidence',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
    });
    expect(s3.attachments.store).toMatchObject({
      kind: 's3',
      bucket: 'evidence',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      region: 'us-east-1',
    });
    expect(createAttachmentStore(s3.attachments.store)).toBeInstanceOf(S3AttachmentStore);
    expect(() => loadConfig({ ATTACHMENT_STORE: 's3' })).toThrow(/S3_BUCKET/);
  });
});
