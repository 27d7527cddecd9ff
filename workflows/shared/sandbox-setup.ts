/**
 * Evaluated once in the worker's workflow sandbox before any workflow runs (a preloaded module, see
 * worker/create-worker.ts), while the sandbox's globals can still be set.
 *
 * The SDK's promise hook records where each promise of a workflow was created, for the stack-trace
 * query: it builds an Error stack, source-mapping frame by frame, for every promise, and a workflow
 * task creates hundreds. That was about a quarter of the workflow thread's CPU per action
 * (`bench:throughput`, issue 19). With no frames captured, an error thrown in workflow code keeps its
 * type, message and details (what the API answers with) but no stack, and the stack-trace query
 * answers without frames. Changes no command: histories replay the same.
 */
Error.stackTraceLimit = 0;

/*
 * Even without frames the hook still ran, per promise created and settled in a workflow, two
 * `Function` constructions (the sandbox's activator and its `Error`, found through
 * `promise.constructor.constructor`), an Error, two regular expressions and two map writes — about
 * 5 % of a task's replay (its history replayed as in `bench/replay-cost.ts`, without the watchdog).
 * Giving the sandbox's `Promise` its own `constructor` that answers those two lookups with ready
 * functions keeps the activator lookup exact (the SDK still ties an unhandled rejection to its
 * workflow through it) and hands the hook an Error stand-in without a stack, on which the hook stops
 * before recording the promise (tests/workflows/sandbox-stack-limit.test.ts). Any other source is
 * compiled as before.
 */
const ACTIVATOR_SOURCE = 'return globalThis.__TEMPORAL_ACTIVATOR__';
const ERROR_SOURCE = 'return globalThis.Error';
const activator = () => (globalThis as { __TEMPORAL_ACTIVATOR__?: unknown }).__TEMPORAL_ACTIVATOR__;
class StacklessError {}
const stacklessError = () => StacklessError;
Object.defineProperty(Promise, 'constructor', {
  value: (source: string) =>
    source === ACTIVATOR_SOURCE ? activator : source === ERROR_SOURCE ? stacklessError : Function(source),
});
