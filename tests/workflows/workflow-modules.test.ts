import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../../worker/create-worker';

/*
 * Every workflow evaluates its own copy of the modules it loads (reusable V8 context), on every
 * start and on every replay after a cache eviction. Loading the workflow index must therefore not
 * evaluate every process's modules: a task that replays to escalate its deadline then evaluated
 * the approval, incident, summons and assessment code and their zod schemas too (`bench:timers`).
 * The bundle is evaluated here the way the worker does, in a V8 context of its own whose webpack
 * module cache shows what was evaluated.
 */
describe('workflow bundle', () => {
  let code: string;
  beforeAll(async () => {
    ({ code } = await bundleWorkflows());
  }, 120_000);

  it('loading the workflow index evaluates no process module; each workflow loads its own when it runs', () => {
    const evaluated: Record<string, unknown> = {};
    const context = vm.createContext({ __webpack_module_cache__: evaluated });
    vm.runInContext(code, context);
    vm.runInContext('__TEMPORAL__.preloadModules?.()', context);
    const preloaded = new Set(Object.keys(evaluated));
    const workflows = vm.runInContext('__TEMPORAL__.importWorkflows()', context) as Record<string, unknown>;

    expect(Object.keys(workflows)).toEqual(
      expect.arrayContaining(['taskWorkflow', 'approvalWorkflow', 'incidentWorkflow', 'summonsWorkflow']),
    );
    const loaded = Object.keys(evaluated).filter((m) => !preloaded.has(m));
    expect(loaded.filter((m) => /\/(workflows|domain)\//.test(m))).toEqual(['./workflows/index.ts']);
  });

  it('preloads zod once for every workflow (a bare import of it would be dropped as side-effect free)', () => {
    const evaluated: Record<string, unknown> = {};
    const context = vm.createContext({ __webpack_module_cache__: evaluated });
    vm.runInContext(code, context);
    vm.runInContext('__TEMPORAL__.preloadModules?.()', context);
    expect(Object.keys(evaluated)).toEqual(expect.arrayContaining(['./node_modules/zod/v4/classic/schemas.js']));
  });

  it('leaves the clock schemas of the API contracts out (built on every start, they cost more than the clock arithmetic)', () => {
    expect(code).toContain('./domain/sla-clock.ts');
    expect(code).not.toContain('./domain/sla-clock-schema.ts');
  });
});
