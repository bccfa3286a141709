/**
 * The synthetic workload both pipelines carry: ~1,000 customers, each first registered, then
 * ordering. Event i belongs to customer i % customers, so customer k's events are k, k+C, k+2C…
 * and its n-th event (0-based) has stream revision n when appended in order.
 */
import { randomUUID } from 'node:crypto';

export interface IngestRequest {
  id: string;
  type: string;
  customerId: string;
  data: Record<string, unknown>;
}

export function ingestRequest(i: number, customerPrefix: string, customers: number): IngestRequest {
  const k = i % customers;
  const customerId = `${customerPrefix}${k}`;
  return i < customers
    ? { id: randomUUID(), type: 'crm.customer.registered', customerId, data: { email: `c${k}@bench.example`, country: 'DE' } }
    : { id: randomUUID(), type: 'crm.order.completed', customerId, data: { orderId: `o-${i}`, totalMinor: 1_000 + (i % 9_000), currency: 'EUR' } };
}

/** The same event as the relay would publish it: envelope JSON value, customer key, CloudEvents-ish headers. */
export function kafkaMessage(i: number, customerPrefix: string, customers: number, now: string) {
  const req = ingestRequest(i, customerPrefix, customers);
  const revision = Math.floor(i / customers);
  const envelope = { id: req.id, type: req.type, schemaVersion: 1, source: 'bench', subject: req.customerId, time: now, data: req.data };
  return {
    key: req.customerId,
    value: JSON.stringify(envelope),
    headers: {
      'ce-id': req.id,
      'ce-type': req.type,
      'ce-schemaversion': '1',
      'ce-source': 'bench',
      'ce-subject': req.customerId,
      'ce-time': now,
      'crm-stream-revision': String(revision),
      'crm-position': String(i + 1),
    },
  };
}
