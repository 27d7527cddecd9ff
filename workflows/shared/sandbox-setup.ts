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
