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

/*
 * No compiled parsers: zod compiles an object schema's parser (`new Function`) on its first parse,
 * for that schema instance. Every workflow evaluates its own copy of our modules and so builds its
 * own schema instances, on each start and each replay after a cache eviction, and parses with each
 * only a few times: every workflow compiled every object schema it used again, and Node scanned
 * each compiled text for a source map.
 */
z.config({ jitless: true });

z.object({ text: z.string().min(1), list: z.array(z.number()).optional(), kind: z.enum(['a', 'b']) })
  .strict()
  .safeParse({ text: 'x', list: [1], kind: 'a' });
