import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CustomerRfm } from '@crm/analytics-domain';
import { REPO_ROOT } from '../services';
import { seededRandom } from './synthetic-customers';

/**
 * The CDNOW sample (2,357 customers, libs/analytics-domain/test-data) copied `copies` times with
 * jitter, for a model fit of realistic shape and size (×10 = 23,570 customers): each copy moves
 * recency and age by up to ±0.1 week (keeping 0 ≤ t_x ≤ T, and t_x = 0 without repeat purchases)
 * and scales the average value by up to ±5 %.
 */
export function cdnowReplicas(copies: number, seed = 1997): CustomerRfm[] {
  const file = path.join(REPO_ROOT, 'libs/analytics-domain/test-data/cdnow-customers-summary.csv');
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
  const random = seededRandom(seed);
  const jitter = (width: number) => (random() * 2 - 1) * width;
  const customers: CustomerRfm[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const [id, x, tx, T, zbar] of rows) {
      const age = Math.max(0.01, T + jitter(0.1));
      const recency = x === 0 ? 0 : Math.min(age, Math.max(0, tx + jitter(0.1)));
      customers.push({
        customerId: `${copy}-${id}`,
        frequency: x,
        recency,
        age,
        firstPurchaseDay: '1997-01-01',
        lastPurchaseDay: '1997-01-01',
        averageValue: x === 0 ? 0 : zbar * (1 + jitter(0.05)),
        spendDays: x,
      });
    }
  }
  return customers;
}
