// What the workflow code costs per workflow task, without the rest of the system: replays a
// recorded approval history (tests/fixtures/histories) many times in this process with the
// worker's workflow bundle, and with the same bundle minus the sandbox setup
// (workflows/shared/sandbox-setup.ts), alternating rounds so a loaded machine affects both alike;
// prints the CPU ms per replayed history of each. Also the bytes Temporal stores for the history's
// payloads, sealed by the payload codec in its first format (JSON with base64) and in its current one.
// `npx tsx bench/replay-cost.ts [copies=40] [rounds=4] [history=approval-regular-activities]`
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, payloadToJson } from '../runtime/payload-codec';
import { bundleWorkflows, WORKFLOWS_PATH } from '../worker/create-worker';

const [copies = 40, rounds = 4] = process.argv.slice(2, 4).map(Number);
const historyName = process.argv[4] ?? 'approval-regular-activities';
Runtime.install({ logger: new DefaultLogger('ERROR') });
const history = historyFromJSON(
  JSON.parse(readFileSync(new URL(`../tests/fixtures/histories/${historyName}.json`, import.meta.url), 'utf8')),
);
const actions = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length ?? 0;

const bundles = {
  current: await bundleWorkflows(),
  'without sandbox setup': await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: ['zod'] }),
};
const cpu: Record<string, number[]> = {};
for (let r = 0; r < rounds; r += 1) {
  for (const [name, workflowBundle] of Object.entries(bundles)) {
    const histories = Array.from({ length: copies }, (_, i) => ({ workflowId: `replay-${r}-${i}`, history }));
    const start = process.cpuUsage();
    for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
      if (result.error) throw result.error;
    }
    const used = process.cpuUsage(start);
    (cpu[name] ??= []).push((used.user + used.system) / 1000 / copies);
  }
}
console.log(
  `${historyName}: ${history.events?.length} events, ${actions} actions; ${copies} replays × ${rounds} rounds`,
);
for (const [name, xs] of Object.entries(cpu)) {
  const sorted = [...xs].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(24)} CPU ms per replayed history: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} (rounds: ${xs.map((x) => x.toFixed(1)).join(', ')})`,
  );
}

// Payload bytes as Temporal stores them.
const payloads: Payload[] = [];
const walk = (v: unknown): void => {
  if (Array.isArray(v)) v.forEach(walk);
  else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const o = v as Payload;
    if (o.data instanceof Uint8Array && o.metadata?.encoding) payloads.push(o);
    else Object.values(v).forEach(walk);
  }
};
walk(history.events);
const key = randomBytes(32);
const sealFirstFormat = (p: Payload) => {
  const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
  cipher.setAAD(Buffer.from('k1'));
  return 12 + cipher.update(JSON.stringify(payloadToJson(p))).length + cipher.final().length + 16;
};
const sealed = await new AesGcmPayloadCodec([{ id: 'k1', key }]).encode(payloads);
const plain = payloads.reduce((n, p) => n + (p.data?.length ?? 0), 0);
const first = payloads.reduce((n, p) => n + sealFirstFormat(p), 0);
const now = sealed.reduce((n, p) => n + (p.data?.length ?? 0), 0);
console.log(
  `payloads: ${payloads.length}, data bytes plain ${plain}, sealed first format ${first} (${(first / plain).toFixed(2)}×), sealed now ${now} (${(now / plain).toFixed(2)}×)`,
);
