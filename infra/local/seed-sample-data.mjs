// Sample customers and their journeys, sent through the public ingest API like any integrator.
// Event ids are derived from the sample's names, so seeding twice stores nothing new.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';

const ingest = process.env.INGEST_URL ?? 'http://127.0.0.1:3001';
// An API key with events:write: CRM_API_KEY, or else the development key `npm start` made (see
// README "Access control").
const devKeyFile = new URL('../../.local/dev-api-key', import.meta.url);
const apiKey = process.env.CRM_API_KEY || (existsSync(devKeyFile) ? readFileSync(devKeyFile, 'utf8').trim() : '');
if (!apiKey) {
  console.error('set CRM_API_KEY to an API key with the events:write scope (npm start creates .local/dev-api-key)');
  process.exit(2);
}
const customers = Number(process.env.SEED_CUSTOMERS ?? 200);
const countries = ['DE', 'FR', 'NL', 'SE', 'ES', 'IT', 'GB', 'US'];
const currencyOf = { DE: 'EUR', FR: 'EUR', NL: 'EUR', SE: 'SEK', ES: 'EUR', IT: 'EUR', GB: 'GBP', US: 'USD' };

/** A name-based (version 5 layout) UUID: stable across runs. */
function stableId(name) {
  const h = createHash('sha1').update(`crm-sample:${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// Deterministic pseudo-random numbers so the sample is the same on every machine.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

function journey(i) {
  const id = `sample-${String(i + 1).padStart(4, '0')}`;
  const country = countries[i % countries.length];
  const day = (offset) => new Date(Date.UTC(2026, 9, 1) + offset * 86_400_000 + i * 60_000).toISOString();
  const events = [
    { type: 'crm.customer.registered', customerId: id, time: day(0), data: { email: `${id}@example.com`, firstName: `Customer ${i + 1}`, country } },
  ];
  if (random() < 0.5) events.push({ type: 'crm.profile.updated', customerId: id, time: day(1), data: { preferences: { newsletter: random() < 0.5 ? 'weekly' : 'monthly' } } });
  const orders = Math.floor(random() * 5);
  for (let o = 0; o < orders; o++) {
    events.push({
      type: 'crm.order.completed',
      customerId: id,
      time: day(2 + o * 7),
      data: { orderId: `${id}-o${o + 1}`, totalMinor: 1_000 + Math.floor(random() * 40_000), currency: currencyOf[country] },
    });
  }
  return events.map((e, n) => ({ id: stableId(`${id}:${n}`), source: 'sample-data', ...e }));
}

const all = Array.from({ length: customers }, (_, i) => journey(i)).flat();
const bar = new cliProgress.SingleBar({ format: 'seeding sample data [{bar}] {value}/{total} events | {eta}s left' }, cliProgress.Presets.shades_classic);
bar.start(all.length, 0);
let stored = 0;
let duplicates = 0;
// One customer's events in order; customers in parallel.
const byCustomer = all.reduce((m, e) => m.set(e.customerId, [...(m.get(e.customerId) ?? []), e]), new Map());
const queue = [...byCustomer.values()];
async function worker() {
  for (let events = queue.shift(); events; events = queue.shift()) {
    for (const event of events) {
      const res = await fetch(`${ingest}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(event) });
      const body = await res.json();
      if (res.status !== 202) throw new Error(`seed event rejected (${res.status}): ${JSON.stringify(body)}`);
      body.duplicate ? duplicates++ : stored++;
      bar.increment();
    }
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
bar.stop();
console.log(`sample data: ${customers} customers, ${stored} events stored, ${duplicates} already present`);
