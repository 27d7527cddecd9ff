import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { loadPayloadCodec } from './payload-codec';

function tlsOptions(t: Config['temporal']) {
  if (!t.tls) return undefined;
  if (t.tlsCertPath && t.tlsKeyPath) {
    return { clientCertPair: { crt: readFileSync(t.tlsCertPath), key: readFileSync(t.tlsKeyPath) } };
  }
  return true as const;
}

/**
 * How every client and worker of this deployment encodes payloads: encrypted (runtime/payload-codec.ts),
 * so case data, personal data included, never reaches Temporal's database in clear.
 */
export function temporalDataConverter(t: Config['temporal']): DataConverter {
  return { payloadCodecs: [loadPayloadCodec(t.codec)] };
}

/** A Temporal client for the API (one per process). */
export async function connectClient(t: Config['temporal'], address: string): Promise<Client> {
  const connection = await Connection.connect({ address, tls: tlsOptions(t), apiKey: t.apiKey });
  return new Client({ connection, namespace: t.namespace, dataConverter: temporalDataConverter(t) });
}

/** The worker's native connection. */
export function connectWorker(t: Config['temporal'], address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address, tls: tlsOptions(t), apiKey: t.apiKey });
}

/**
 * Register `namespace` on a Temporal server unless it exists (a self-hosted cluster starts with
 * none), retrying while the server comes up. A new namespace reaches every service's cache only
 * after its refresh interval (10 s by default), so after creating one this waits that long.
 */
export async function ensureNamespace(
  address: string,
  namespace: string,
  opts: { timeoutMs?: number; retentionDays?: number } = {},
): Promise<void> {
  const until = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        const known = await connection.workflowService.describeNamespace({ namespace }).then(
          () => true,
          () => false,
        );
        if (known) return;
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(`${opts.retentionDays ?? 3} days`),
        });
        await new Promise((r) => setTimeout(r, 11_000));
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
