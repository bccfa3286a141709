import type {
  Campaign,
  CategoryMultiplier,
  CurrencyRate,
  EarnCap,
  EventEarnRule,
  LoyaltyProgram,
  Reward,
  TierDefinition,
} from './loyalty-program';

/** The same shape as every 400 of the platform: one entry per failing field. */
export interface ProgramFieldError {
  readonly field: string;
  readonly messages: string[];
}

export type ProgramValidation = { ok: true; program: LoyaltyProgram } | { ok: false; errors: ProgramFieldError[] };

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * Checks a program given as JSON, field by field, and returns it typed with the optional parts
 * filled in (`match: {}`, `cap: null`, empty lists). Cross-field rules are checked too: tier
 * thresholds rise from 0, ids are unique, a reward's `minTier` names a tier, a spend basis names
 * its currency, campaigns end after they start.
 */
export function validateProgram(input: unknown): ProgramValidation {
  const v = new Checker();
  const root = v.object(input, '');
  if (!root) return { ok: false, errors: v.errors };

  const id = v.id(root['id'], 'id');
  const name = v.text(root['name'], 'name');
  const earning = v.object(root['earning'], 'earning');
  const currencies = v.list(earning?.['currencies'], 'earning.currencies', (x, f) => currencyRate(v, x, f));
  v.unique(currencies, (c) => c.currency, 'earning.currencies', 'currency');
  const otherCurrencies = v.nullable(earning?.['otherCurrencies'] ?? null, 'earning.otherCurrencies', (x, f) => {
    const { pointsPerUnit, minorUnitsPerUnit } = currencyRate(v, { ...(v.object(x, f) ?? {}), currency: 'XXX' }, f);
    return { pointsPerUnit, minorUnitsPerUnit };
  });
  const categoryMultipliers = v.list(earning?.['categoryMultipliers'] ?? [], 'earning.categoryMultipliers', (x, f) => categoryMultiplier(v, x, f));
  v.unique(categoryMultipliers, (c) => c.category, 'earning.categoryMultipliers', 'category');
  const maxPointsPerOrder = v.nullable(earning?.['maxPointsPerOrder'] ?? null, 'earning.maxPointsPerOrder', (x, f) => v.integer(x, f, 1));
  const eventRules = v.list(earning?.['eventRules'] ?? [], 'earning.eventRules', (x, f) => eventRule(v, x, f));
  v.unique(eventRules, (r) => r.id, 'earning.eventRules', 'id');
  const campaigns = v.list(earning?.['campaigns'] ?? [], 'earning.campaigns', (x, f) => campaign(v, x, f, eventRules));
  v.unique(campaigns, (c) => c.id, 'earning.campaigns', 'id');

  const expiryInput = root['expiry'] ?? null;
  let expiry: LoyaltyProgram['expiry'] = null;
  if (expiryInput !== null) {
    const e = v.object(expiryInput, 'expiry');
    expiry = {
      monthsAfterEarning: v.integer(e?.['monthsAfterEarning'], 'expiry.monthsAfterEarning', 1, 120),
      expiringSoonDays: v.integer(e?.['expiringSoonDays'] ?? 30, 'expiry.expiringSoonDays', 1, 366),
    };
  }

  const tiers = v.list(root['tiers'], 'tiers', (x, f) => tier(v, x, f));
  v.unique(tiers, (t) => t.id, 'tiers', 'id');
  if (Array.isArray(root['tiers'])) {
    if (tiers.length === 0) v.fail('tiers', 'at least one tier is required');
    else if (tiers[0].threshold !== 0) v.fail('tiers.0.threshold', 'the lowest tier must have threshold 0');
    for (let i = 1; i < tiers.length; i++) {
      if (tiers[i].threshold <= tiers[i - 1].threshold) v.fail(`tiers.${i}.threshold`, 'thresholds must rise from tier to tier');
    }
  }

  const q = v.object(root['tierQualification'], 'tierQualification');
  const basis = v.oneOf(q?.['basis'], 'tierQualification.basis', ['points', 'spend'] as const);
  const spendCurrency = v.nullable(q?.['spendCurrency'] ?? null, 'tierQualification.spendCurrency', (x, f) => v.match(x, f, CURRENCY, 'an ISO 4217 code'));
  if (basis === 'spend' && spendCurrency === null) v.fail('tierQualification.spendCurrency', 'required when basis is spend');
  const windowMonths = v.nullable(q?.['windowMonths'] ?? null, 'tierQualification.windowMonths', (x, f) => v.integer(x, f, 1, 120));
  const d = v.object(q?.['downgrade'] ?? {}, 'tierQualification.downgrade');
  const downgrade = {
    graceMonths: v.integer(d?.['graceMonths'] ?? 0, 'tierQualification.downgrade.graceMonths', 0, 120),
    mode: v.oneOf(d?.['mode'] ?? 'one-step', 'tierQualification.downgrade.mode', ['to-qualified', 'one-step'] as const),
  };

  const refunds = v.object(root['refunds'] ?? { balanceFloor: 0 }, 'refunds');
  const balanceFloor = v.integer(refunds?.['balanceFloor'] ?? 0, 'refunds.balanceFloor', -1_000_000_000, 0);
  const redemption = v.object(root['redemption'] ?? { minimumPoints: 1 }, 'redemption');
  const minimumPoints = v.integer(redemption?.['minimumPoints'] ?? 1, 'redemption.minimumPoints', 1);

  const rewards = v.list(root['rewards'] ?? [], 'rewards', (x, f) => reward(v, x, f, tiers));
  v.unique(rewards, (r) => r.id, 'rewards', 'id');
  const pendingOrderDays = v.integer(root['pendingOrderDays'] ?? 30, 'pendingOrderDays', 0, 366);

  if (v.errors.length > 0) return { ok: false, errors: v.errors };
  return {
    ok: true,
    program: {
      id,
      name,
      earning: { currencies, otherCurrencies, categoryMultipliers, maxPointsPerOrder, eventRules, campaigns },
      expiry,
      tiers,
      tierQualification: { basis, spendCurrency, windowMonths, downgrade },
      refunds: { balanceFloor },
      redemption: { minimumPoints },
      rewards,
      pendingOrderDays,
    },
  };
}

function currencyRate(v: Checker, input: unknown, f: string): CurrencyRate {
  const o = v.object(input, f);
  return {
    currency: v.match(o?.['currency'], `${f}.currency`, CURRENCY, 'an ISO 4217 code'),
    pointsPerUnit: v.number(o?.['pointsPerUnit'], `${f}.pointsPerUnit`, 0, 1_000),
    minorUnitsPerUnit: v.oneOf(o?.['minorUnitsPerUnit'] ?? 100, `${f}.minorUnitsPerUnit`, [1, 10, 100, 1000] as const),
  };
}

function categoryMultiplier(v: Checker, input: unknown, f: string): CategoryMultiplier {
  const o = v.object(input, f);
  return { category: v.text(o?.['category'], `${f}.category`, 64), multiplier: v.number(o?.['multiplier'], `${f}.multiplier`, 0, 100) };
}

function eventRule(v: Checker, input: unknown, f: string): EventEarnRule {
  const o = v.object(input, f);
  const matchInput = o?.['match'] ?? {};
  const matchObject = v.object(matchInput, `${f}.match`);
  const match: Record<string, string> = {};
  for (const [key, value] of Object.entries(matchObject ?? {})) {
    if (key === '' || key.length > 128) v.fail(`${f}.match`, `field path "${key}" must be 1 to 128 characters`);
    match[key] = v.text(value, `${f}.match.${key}`, 256);
  }
  const eventType = v.match(o?.['eventType'], `${f}.eventType`, /^crm\.[a-z0-9.-]+$/, 'a customer event type such as crm.survey.answered');
  if (o?.['id'] === 'order') v.fail(`${f}.id`, '"order" is reserved for order earnings');
  const capInput = o?.['cap'] ?? null;
  let cap: EarnCap | null = null;
  if (capInput !== null) {
    const c = v.object(capInput, `${f}.cap`);
    cap = {
      maxAwards: v.nullable(c?.['maxAwards'] ?? null, `${f}.cap.maxAwards`, (x, g) => v.integer(x, g, 1)),
      maxPoints: v.nullable(c?.['maxPoints'] ?? null, `${f}.cap.maxPoints`, (x, g) => v.integer(x, g, 1)),
      windowDays: v.nullable(c?.['windowDays'] ?? null, `${f}.cap.windowDays`, (x, g) => v.integer(x, g, 1, 3_660)),
    };
    if (cap.maxAwards === null && cap.maxPoints === null) v.fail(`${f}.cap`, 'a cap needs maxAwards or maxPoints');
  }
  return { id: v.id(o?.['id'], `${f}.id`), eventType, match, points: v.integer(o?.['points'], `${f}.points`, 1, 1_000_000), cap };
}

function campaign(v: Checker, input: unknown, f: string, rules: readonly EventEarnRule[]): Campaign {
  const o = v.object(input, f);
  const from = v.instant(o?.['from'], `${f}.from`);
  const to = v.instant(o?.['to'], `${f}.to`);
  if (from && to && Date.parse(to) <= Date.parse(from)) v.fail(`${f}.to`, 'must be after from');
  const appliesTo = v.list(o?.['appliesTo'] ?? ['order'], `${f}.appliesTo`, (x, g) => v.text(x, g, 64));
  for (const [i, target] of appliesTo.entries()) {
    if (target !== 'order' && !rules.some((r) => r.id === target)) v.fail(`${f}.appliesTo.${i}`, `"${target}" is neither "order" nor an event rule id`);
  }
  return { id: v.id(o?.['id'], `${f}.id`), multiplier: v.number(o?.['multiplier'], `${f}.multiplier`, 1, 100), from, to, appliesTo };
}

function tier(v: Checker, input: unknown, f: string): TierDefinition {
  const o = v.object(input, f);
  return {
    id: v.id(o?.['id'], `${f}.id`),
    name: v.text(o?.['name'], `${f}.name`, 64),
    threshold: v.integer(o?.['threshold'], `${f}.threshold`, 0),
    earnMultiplier: v.number(o?.['earnMultiplier'] ?? 1, `${f}.earnMultiplier`, 0, 100),
  };
}

function reward(v: Checker, input: unknown, f: string, tiers: readonly TierDefinition[]): Reward {
  const o = v.object(input, f);
  const minTier = v.nullable(o?.['minTier'] ?? null, `${f}.minTier`, (x, g) => v.id(x, g));
  if (minTier !== null && !tiers.some((t) => t.id === minTier)) v.fail(`${f}.minTier`, `"${minTier}" is not a tier of the program`);
  const active = o?.['active'] ?? true;
  if (typeof active !== 'boolean') v.fail(`${f}.active`, 'must be a boolean');
  return {
    id: v.id(o?.['id'], `${f}.id`),
    name: v.text(o?.['name'], `${f}.name`, 128),
    description: v.text(o?.['description'] ?? '', `${f}.description`, 1_000, 0),
    cost: v.integer(o?.['cost'], `${f}.cost`, 1),
    stock: v.nullable(o?.['stock'] ?? null, `${f}.stock`, (x, g) => v.integer(x, g, 0)),
    minTier,
    active: active === true,
  };
}

/** Collects field errors; every check returns a value of the right type so validation goes on. */
class Checker {
  readonly errors: ProgramFieldError[] = [];

  fail(field: string, message: string): void {
    const existing = this.errors.find((e) => e.field === field);
    if (existing) existing.messages.push(message);
    else this.errors.push({ field, messages: [message] });
  }

  object(input: unknown, field: string): Record<string, unknown> | undefined {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Record<string, unknown>;
    this.fail(field || '(program)', 'must be an object');
    return undefined;
  }

  list<T>(input: unknown, field: string, item: (value: unknown, field: string) => T): T[] {
    if (!Array.isArray(input)) {
      this.fail(field, 'must be a list');
      return [];
    }
    return input.map((value, i) => item(value, `${field}.${i}`));
  }

  unique<T>(items: readonly T[], key: (item: T) => string, field: string, name: string): void {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const k = key(item);
      if (seen.has(k)) this.fail(`${field}.${i}.${name}`, `duplicate ${name} "${k}"`);
      seen.add(k);
    });
  }

  nullable<T>(input: unknown, field: string, check: (value: unknown, field: string) => T): T | null {
    return input === null ? null : check(input, field);
  }

  text(input: unknown, field: string, maxLength = 128, minLength = 1): string {
    if (typeof input !== 'string') this.fail(field, 'must be a string');
    else if (input.length < minLength || input.length > maxLength) this.fail(field, `must be ${minLength} to ${maxLength} characters`);
    return typeof input === 'string' ? input : '';
  }

  id(input: unknown, field: string): string {
    return this.match(input, field, ID, 'lower-case letters, digits and dashes (at most 64)');
  }

  match(input: unknown, field: string, pattern: RegExp, what: string): string {
    if (typeof input !== 'string' || !pattern.test(input)) this.fail(field, `must be ${what}`);
    return typeof input === 'string' ? input : '';
  }

  number(input: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof input !== 'number' || !Number.isFinite(input)) this.fail(field, 'must be a number');
    else if (input < min || input > max) this.fail(field, `must be between ${min} and ${max}`);
    return typeof input === 'number' ? input : 0;
  }

  integer(input: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof input !== 'number' || !Number.isInteger(input)) this.fail(field, 'must be an integer');
    else if (input < min || input > max) this.fail(field, `must be between ${min} and ${max}`);
    return typeof input === 'number' ? input : 0;
  }

  oneOf<T extends string | number>(input: unknown, field: string, allowed: readonly T[]): T {
    if (!allowed.includes(input as T)) this.fail(field, `must be one of ${allowed.join(', ')}`);
    return (allowed.includes(input as T) ? input : allowed[0]) as T;
  }

  instant(input: unknown, field: string): string {
    if (typeof input !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(input) || Number.isNaN(Date.parse(input))) {
      this.fail(field, 'must be an ISO 8601 date-time');
      return '';
    }
    return new Date(input).toISOString();
  }
}
