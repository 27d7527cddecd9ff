import { createCipheriv, randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, FORMAT_METADATA, KEY_ID_METADATA, payloadToJson } from '../../runtime/payload-codec';

// The sealed payload's size and format (runtime/payload-codec.ts). What the codec means for
// Temporal's stored history, through a real server: payload-codec.test.ts.

const key = randomBytes(32);
const codec = new AesGcmPayloadCodec([{ id: 'k1', key }]);
const text = new TextEncoder();

/** A JSON payload of `n` bytes of case data, as the SDK's converter makes it. */
const jsonPayload = (n: number): Payload => ({
  metadata: { encoding: text.encode('json/plain') },
  data: text.encode(JSON.stringify({ note: '审批意见'.repeat(Math.ceil(n / 12)).slice(0, Math.ceil(n / 3)) })),
});

/** A payload sealed in the first format (JSON with base64 bytes), as histories from before hold it. */
function sealedAsBefore(p: Payload): Payload {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(text.encode('k1'));
  const plain = text.encode(JSON.stringify(payloadToJson(p)));
  return {
    metadata: { encoding: text.encode('binary/encrypted'), [KEY_ID_METADATA]: text.encode('k1') },
    data: new Uint8Array(Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()])),
  };
}

describe('sealed payload format', () => {
  it('adds no more than the nonce, the tag and the envelope to a payload (no base64 inside)', async () => {
    const p = jsonPayload(6_000);
    const [sealed] = await codec.encode([p]);
    expect(sealed!.data!.length).toBeLessThan(p.data!.length + 80);
    const [back] = await codec.decode([sealed!]);
    expect(Buffer.from(back!.data!).equals(Buffer.from(p.data!))).toBe(true);
    expect(Buffer.from(back!.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it('still decodes payloads sealed in the first format (histories recorded before)', async () => {
    const p = jsonPayload(500);
    const [back] = await codec.decode([sealedAsBefore(p)]);
    expect(Buffer.from(back!.data!).equals(Buffer.from(p.data!))).toBe(true);
    expect(Buffer.from(back!.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it('refuses a payload whose format was changed after sealing (the format is bound to the ciphertext)', async () => {
    const [sealed] = await codec.encode([jsonPayload(100)]);
    const { [FORMAT_METADATA]: _format, ...rest } = sealed!.metadata!;
    await expect(codec.decode([{ ...sealed!, metadata: rest }])).rejects.toThrow();
    await expect(
      codec.decode([{ ...sealed!, metadata: { ...rest, [FORMAT_METADATA]: text.encode('json') } }]),
    ).rejects.toThrow(/unknown format/);
  });
});
