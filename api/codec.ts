import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { PayloadCodec } from '@temporalio/common';
import { recordAccess } from './access-audit';
import { authenticate } from './auth';
import type { AppDeps } from './deps';
import { Problem } from './problem';
import { payloadFromJson, payloadToJson, type JsonPayload } from '../runtime/payload-codec';

/** Histories can be large: a page of events holds many payloads. */
const CODEC_BODY_LIMIT = '16mb';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may use the codec: the operator token (CODEC_TOKEN, what the Temporal UI or CLI send), or a
 * signed-in county-wide admin. Decrypted payloads hold personal data, so every decode is recorded
 * in the access audit.
 */
async function authorise(req: Request, deps: AppDeps): Promise<void> {
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (token && deps.config.codecEndpoint.token && sameSecret(token, deps.config.codecEndpoint.token)) return;
  const principal = await authenticate(req, deps);
  req.principal = principal;
  if (principal.role !== 'admin' || !principal.unitIsSoleRoot) {
    throw new Problem(
      'forbidden',
      {
        zh: '只有县级系统管理员或持运维令牌者可解密流程历史',
        en: 'Only county administrators or holders of the operator token may decode workflow histories',
      },
      { code: 'codec-forbidden' },
    );
  }
}

/**
 * Temporal's remote codec protocol (https://docs.temporal.io/production-deployment/data-encryption):
 * POST {payloads: [...]} to /codec/encode or /codec/decode, answered in the same shape. The Temporal
 * UI calls it from the operator's browser (its "codec endpoint" setting), hence CORS for the UI's
 * origins (CODEC_CORS_ORIGINS); `temporal workflow show --codec-endpoint … --codec-auth …` too.
 */
export function codecRouter(deps: AppDeps, codec: PayloadCodec): Router {
  const router = express.Router();
  const origins = new Set(deps.config.codecEndpoint.corsOrigins);
  router.use((req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'content-type, x-namespace, authorization');
      res.setHeader('access-control-max-age', '600');
    }
    res.setHeader('vary', 'origin');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });
  const handle = (direction: 'encode' | 'decode') => async (req: Request, res: Response) => {
    await authorise(req, deps);
    const body = req.body as { payloads?: unknown } | undefined;
    if (!body || !Array.isArray(body.payloads)) {
      throw new Problem(
        'badRequest',
        { zh: '请求体须为 {"payloads": [...]}', en: 'The body must be {"payloads": [...]}' },
        { code: 'codec-bad-body' },
      );
    }
    let payloads;
    try {
      const input = (body.payloads as JsonPayload[]).map(payloadFromJson);
      payloads = direction === 'encode' ? await codec.encode(input) : await codec.decode(input);
    } catch (err) {
      throw new Problem(
        'badRequest',
        {
          zh: `载荷无法${direction === 'encode' ? '加密' : '解密'}`,
          en: `The payloads cannot be ${direction}d: ${err instanceof Error ? err.message : String(err)}`,
        },
        { code: 'codec-failed' },
      );
    }
    if (direction === 'decode') {
      const namespace = req.headers['x-namespace'];
      await recordAccess(deps.database.db, req, {
        kind: 'personal-data-read',
        status: 200,
        subject: 'temporal-history',
        detail: {
          namespace: typeof namespace === 'string' ? namespace : null,
          payloads: payloads.length,
          via: req.principal ? 'user' : 'codec-token',
        },
      });
    }
    res.json({ payloads: payloads.map(payloadToJson) });
  };
  router.post('/encode', express.json({ limit: CODEC_BODY_LIMIT }), handle('encode'));
  router.post('/decode', express.json({ limit: CODEC_BODY_LIMIT }), handle('decode'));
  return router;
}
