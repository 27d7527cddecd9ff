import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
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
