/** One problem location and what is wrong there; `field` is a JSON path such as `rule.all[1].withinDays`. */
export interface FieldError {
  readonly field: string;
  readonly messages: readonly string[];
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] };

/** Collects problems by path, in the order found, so every problem is reported at once. */
export class Problems {
  private readonly byPath = new Map<string, string[]>();

  add(path: string, message: string): void {
    const list = this.byPath.get(path) ?? [];
    if (!list.includes(message)) list.push(message);
    this.byPath.set(path, list);
  }

  get empty(): boolean {
    return this.byPath.size === 0;
  }

  list(): FieldError[] {
    return [...this.byPath].map(([field, messages]) => ({ field, messages }));
  }
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
