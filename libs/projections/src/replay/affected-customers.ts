import { CUSTOMER_MERGED, parseStreamId, type CustomerEventRecord } from '@crm/contracts';

/**
 * Groups customers that merges tie together (a survivor and everyone merged into it): an
 * incremental replay refolds such a group together, so the survivor absorbs exactly the
 * customers it absorbed live. Union-find over customer ids.
 */
export class CustomerGroups {
  private readonly parent = new Map<string, string>();

  add(customer: string): void {
    if (!this.parent.has(customer)) this.parent.set(customer, customer);
  }

  link(a: string, b: string): void {
    this.add(a);
    this.add(b);
    const ra = this.root(a);
    const rb = this.root(b);
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }

  has(customer: string): boolean {
    return this.parent.has(customer);
  }

  /** Groups containing at least one of `customers`, each sorted, in a stable order. */
  groupsOf(customers: Iterable<string>): string[][] {
    const wanted = new Set<string>();
    for (const c of customers) if (this.parent.has(c)) wanted.add(this.root(c));
    const groups = new Map<string, string[]>();
    for (const c of this.parent.keys()) {
      const root = this.root(c);
      if (!wanted.has(root)) continue;
      groups.set(root, [...(groups.get(root) ?? []), c]);
    }
    return [...groups.values()].map((g) => g.sort()).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private root(customer: string): string {
    const parentOf = (c: string): string => this.parent.get(c) ?? c;
    let node = customer;
    while (parentOf(node) !== node) node = parentOf(node);
    // path compression keeps later lookups short
    let walk = customer;
    while (walk !== node) {
      const next = parentOf(walk);
      this.parent.set(walk, node);
      walk = next;
    }
    return node;
  }
}

/** The customer whose streams a record belongs to. */
export const customerOfRecord = (record: CustomerEventRecord): string =>
  (record.streamId !== undefined ? parseStreamId(record.streamId)?.customerId : undefined) ?? record.envelope.subject;

/** Records the customers events touch, and ties survivors to the customers merged into them. */
export function noteAffected(groups: CustomerGroups, touched: Set<string>, record: CustomerEventRecord): void {
  const customer = customerOfRecord(record);
  groups.add(customer);
  touched.add(customer);
  if (record.envelope.type === CUSTOMER_MERGED) {
    const { survivorId, mergedId } = record.envelope.data as { survivorId?: string; mergedId?: string };
    if (survivorId && mergedId) {
      groups.link(survivorId, mergedId);
      touched.add(survivorId);
    }
  }
}

/** Packs groups into chunks of about `size` customers, never splitting a group. */
export function chunkGroups(groups: readonly string[][], size: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const group of groups) {
    if (current.length > 0 && current.length + group.length > size) {
      chunks.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
