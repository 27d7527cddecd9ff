import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// One place adds `.openapi()` to zod, so the OpenAPI document comes from the same schemas that validate.
extendZodWithOpenApi(z);

export { z };
