import { extendZodWithOpenApi, type ZodOpenAPIMetadata } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// One place adds `.openapi()` to zod, so the OpenAPI document comes from the same schemas that validate.
extendZodWithOpenApi(z);

export { z };

/**
 * `.openapi(…)` for a schema built outside the API (in `domain/`): zod 4 copies prototype methods
 * onto each schema when it is created, so a schema created before this module ran has no
 * `.openapi` of its own, depending on import order. This calls the extension directly; like
 * `.openapi`, it returns a new, documented schema and leaves the original as it was.
 */
export function documented<T extends z.ZodType>(schema: T, metadata: Partial<ZodOpenAPIMetadata>): T {
  return (z.ZodType.prototype.openapi as (this: T, m: Partial<ZodOpenAPIMetadata>) => T).call(schema, metadata);
}
