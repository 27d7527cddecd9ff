import { z } from 'zod';

/**
 * Preloaded into the worker's workflow sandbox (worker/create-worker.ts `sharedWorkflowModules`), so
 * every workflow shares one evaluated zod instead of evaluating its own. zod's package declares no
 * side effects, so a bare `import 'zod'` is dropped by the bundler: the export keeps it.
 *
 * Shared modules are deep-frozen once preloading ends, and zod sets some of its own state on first
 * use (the default locale and memoizer on the first schema built, whether it may compile parsers on
 * the first object parsed). Building and parsing a schema here sets them while that is still allowed.
 */
export const sharedZod = z;

z.object({ text: z.string().min(1), list: z.array(z.number()).optional(), kind: z.enum(['a', 'b']) })
  .strict()
  .safeParse({ text: 'x', list: [1], kind: 'a' });
