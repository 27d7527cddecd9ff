import type { RequestHandler } from 'express';
import { Problem } from './problem';

/** Caps on a parsed JSON body, checked before any validation walks it (config.ts: BODY_MAX_*). */
export interface BodyLimits {
  maxDepth: number;
  maxKeys: number;
}

/**
 * Refuse a body nested deeper than `maxDepth` (400) or with more than `maxKeys` object keys and
 * array items in all (413), before validation, logging or the idempotency hash walk it. The walk
 * has no recursion and stops at the first cap it passes, so any body the parser accepted is safe.
 */
export function bodyLimits(limits: BodyLimits): RequestHandler {
  return (req, _res, next) => {
    const body: unknown = req.body;
    if (body === null || typeof body !== 'object') return next();
    let keys = 0;
    const stack: [unknown, number][] = [[body, 1]];
    while (stack.length > 0) {
      const [value, depth] = stack.pop()!;
      if (value === null || typeof value !== 'object') continue;
      if (depth > limits.maxDepth) {
        return next(
          new Problem(
            'badRequest',
            {
              zh: `请求体嵌套过深（超过 ${limits.maxDepth} 层）`,
              en: `The request body is nested deeper than ${limits.maxDepth} levels`,
            },
            { code: 'body-too-deep', maxDepth: limits.maxDepth },
          ),
        );
      }
      const children = Array.isArray(value) ? value : Object.values(value);
      keys += children.length;
      if (keys > limits.maxKeys) {
        return next(
          new Problem(
            'tooLarge',
            {
              zh: `请求体的字段和数组元素过多（超过 ${limits.maxKeys} 个）`,
              en: `The request body has more than ${limits.maxKeys} keys and array items`,
            },
            { code: 'body-too-many-keys', maxKeys: limits.maxKeys },
          ),
        );
      }
      for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
    next();
  };
}
