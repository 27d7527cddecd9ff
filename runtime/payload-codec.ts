import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { Config } from '../config';
import { readOrCreateSecret } from './secret-file';

/** `encoding` of a payload this codec encrypted. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key that encrypted a payload, so keys can rotate: old ones stay to decrypt. */
export const KEY_ID_METADATA = 'encryption-key-id';
/**
 * Metadata naming how the encrypted payload was serialised before encryption: `proto` (the payload's
 * protobuf bytes). Absent: the first format, the payload as JSON with base64 bytes, a third larger.
 */
export const FORMAT_METADATA = 'encryption-format';
const PROTO_FORMAT = 'proto';
const ProtoPayload = proto.temporal.api.common.v1.Payload;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const text = new TextEncoder();
const untext = new TextDecoder();

export interface CodecKey {
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

/** A payload in the JSON shape of Temporal's remote codec protocol (proto3 JSON: bytes as base64). */
export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

export function payloadToJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

export function payloadFromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
    ),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  };
}

/**
 * Encrypts every payload (workflow and activity inputs and results, Update arguments and answers,
 * query results, memos) with AES-256-GCM before it reaches Temporal, so case histories hold no
 * personal data in clear — an applicant's ID number included. The whole payload (its metadata and
 * data) becomes the ciphertext; the key id is bound to it as associated data. Decoding passes a
 * payload through unchanged when it was not encrypted: histories recorded before the codec existed
 * keep replaying, and running cases keep working across the switch.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: CodecKey;

  /** `keys[0]` encrypts; every key decrypts what it encrypted. */
  constructor(keys: readonly CodecKey[]) {
    const [current] = keys;
    if (!current) throw new Error('AesGcmPayloadCodec needs at least one key');
    this.byId = new Map();
    for (const k of keys) {
      if (k.key.length !== 32) throw new Error(`payload codec key ${k.id}: 32 bytes expected, got ${k.key.length}`);
      if (this.byId.has(k.id)) throw new Error(`payload codec key id ${k.id} appears twice`);
      this.byId.set(k.id, k.key);
    }
    this.current = current;
  }

  /** Async so that a failure rejects rather than throws. */
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  /**
   * The payload's protobuf bytes, sealed: no base64 or JSON around them, so what Temporal stores and
   * moves for every payload is about as large as the payload itself (it was a third larger, issue 19).
   * The format is bound to the ciphertext with the key id (associated data).
   */
  private encrypt(p: Payload): Payload {
    const { id, key } = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(associatedData(id, PROTO_FORMAT));
    const plain = ProtoPayload.encode({ metadata: p.metadata, data: p.data }).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: text.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: text.encode(id),
        [FORMAT_METADATA]: text.encode(PROTO_FORMAT),
      },
      data: new Uint8Array(sealed),
    };
  }

  private decrypt(p: Payload): Payload {
    const encoding = p.metadata?.encoding;
    if (!encoding || untext.decode(encoding) !== ENCRYPTED_ENCODING) return p;
    const idBytes = p.metadata?.[KEY_ID_METADATA];
    const id = idBytes ? untext.decode(idBytes) : '';
    const key = this.byId.get(id);
    if (!key)
      throw new Error(
        `payload encrypted with unknown key id "${id}": add it to TEMPORAL_CODEC_KEYS (载荷使用了未配置的密钥编号)`,
      );
    const sealed = Buffer.from(p.data ?? new Uint8Array());
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload too short');
    const formatBytes = p.metadata?.[FORMAT_METADATA];
    const format = formatBytes ? untext.decode(formatBytes) : null;
    if (format !== null && format !== PROTO_FORMAT) throw new Error(`encrypted payload in unknown format "${format}"`);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(id, format));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    if (format === PROTO_FORMAT) {
      const { metadata, data } = ProtoPayload.decode(plain);
      return { metadata: { ...metadata }, data };
    }
    return payloadFromJson(JSON.parse(plain.toString('utf8')) as JsonPayload);
  }
}

/** The associated data of a sealed payload: its key id, and its format unless it is the first (JSON). */
const associatedData = (id: string, format: string | null) => text.encode(format ? `${id}\n${format}` : id);

/**
 * The payload codec of this deployment: TEMPORAL_CODEC_KEYS when configured (required in
 * production; every worker and API process must hold the same keys), else one key generated once
 * into the data folder (like the audit key), its id a fingerprint of the key.
 */
export function loadPayloadCodec(codec: Config['temporal']['codec']): AesGcmPayloadCodec {
  if (codec.keys?.length)
    return new AesGcmPayloadCodec(codec.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'hex') })));
  const hex = readOrCreateSecret(codec.keyFile);
  const id = `local-${createHash('sha256').update(hex).digest('hex').slice(0, 12)}`;
  return new AesGcmPayloadCodec([{ id, key: Buffer.from(hex, 'hex') }]);
}
