import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { journeys, segmentEntered } from '@crm/analytics-domain/testing';
import { authHeader, TEST_API_KEY } from '@crm/platform/testing';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadAnalyticsSettings } from '../analytics.env';
import { AnalyticsModule } from '../analytics.module';
import { deliveries, seededRandom, toRecords } from '../testing/event-records';

/**
 * The dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core) against the
 * real service on seeded data: every number on the page must equal the API's. The screenshot is
 * kept in test-output/analytics/ (git-ignored) as the run's artifact.
 */
const settings = loadAnalyticsSettings({ ...isolatedReadSideEnv('analytics'), ANALYTICS_REFIT_INTERVAL_MS: '0' });
const ARTIFACTS = join(__dirname, '../../../../test-output/analytics');
const QUERY = 'from=2026-04-01&to=2026-04-30&granularity=week';

function chromiumPath(): string {
  if (process.env['CHROMIUM_PATH']) return process.env['CHROMIUM_PATH'];
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('chromium not found: install it (apt-get install chromium; .ci/install-system-deps does) or set CHROMIUM_PATH');
}

let test: ReadSideTestApp;
let app: INestApplication;
let base: string;
let browser: Browser;
let page: Page;
const requestedHosts = new Set<string>();
const pageErrors: string[] = [];

const api = (path: string) => request(app.getHttpServer()).get(path).set(authHeader()).expect(200).then((r) => r.body);

beforeAll(async () => {
  test = await startReadSideApp(AnalyticsModule.register(settings), settings.kafka);
  app = test.app;
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const events = [...journeys(), segmentEntered('ana', '2026-04-01', 'vip'), segmentEntered('gus', '2026-04-01', 'vip'), segmentEntered('ben', '2026-04-02', 'eu')];
  for (const batch of deliveries(toRecords(events), seededRandom(3))) await test.readSide.applyToAll(batch);
  await request(app.getHttpServer()).post('/v1/models/refit').set(authHeader()).expect(201);

  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('request', (r) => requestedHosts.add(new URL(r.url()).host));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${base}/dashboard?${QUERY}#key=${TEST_API_KEY}`);
  await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stopReadSideApp(test);
});

const formatted = (unit: string, value: unknown): string => {
  if (value === null) return '—';
  const n = value as number;
  switch (unit) {
    case 'ratio':
      return `${(n * 100).toFixed(1)} %`;
    case 'percent':
      return `${n.toFixed(1)} %`;
    case 'score':
      return n.toFixed(1);
    case 'hours':
      return `${n.toFixed(1)} h`;
    case 'count':
      return String(Math.round(n));
    default:
      return Object.entries(value as Record<string, number>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, minor]) => `${(minor / 100).toFixed(2)} ${currency}`)
        .join(' · ');
  }
};

describe('analytics dashboard in a browser', () => {
  it('shows every KPI tile with the API’s value', async () => {
    const kpis = await api(`/v1/kpis?${QUERY}`);
    const tiles = await page.$$eval('.tile', (nodes) =>
      nodes.map((n) => ({ kpi: (n as HTMLElement).dataset['kpi'], value: (n as HTMLElement).dataset['value'], text: n.querySelector('.tile-value')?.textContent })),
    );
    const expected = kpis.kpis.map((k: { kpi: string; unit: string; value: unknown }) => ({ kpi: k.kpi, value: JSON.stringify(k.value), text: formatted(k.unit, k.value) }));
    const resolution = kpis.kpis.find((k: { kpi: string }) => k.kpi === 'ticket-resolution-time');
    expected.push({ kpi: 'ticket-resolution-p90', value: JSON.stringify(resolution.details.p90Hours), text: formatted('hours', resolution.details.p90Hours) });
    expect(tiles).toEqual(expected);
    // the hand-worked April figures, as a reader sees them
    expect(tiles.find((t) => t.kpi === 'nps')?.text).toBe('25.0');
    expect(tiles.find((t) => t.kpi === 'retention-rate')?.text).toBe('66.7 %');
    expect(tiles.find((t) => t.kpi === 'average-order-value')?.text).toBe('12.50 EUR');
  });

  it('draws a time series per KPI, bucketed by the chosen granularity', async () => {
    const series = await page.$$eval('#series canvas', (nodes) => nodes.map((n) => ({ kpi: (n as HTMLElement).dataset['kpi'], width: (n as HTMLCanvasElement).width })));
    expect(series.map((s) => s.kpi)).toEqual((await api(`/v1/kpis?${QUERY}`)).kpis.map((k: { kpi: string }) => k.kpi));
    expect(series.every((s) => s.width > 0)).toBe(true);
    const labels = await page.evaluate(() => (window as unknown as { Chart: { getChart(c: Element): { data: { labels: string[] } } } }).Chart.getChart(document.querySelector('#series canvas')!).data.labels);
    expect(labels).toEqual(['2026-04-01…2026-04-05', '2026-04-06…2026-04-12', '2026-04-13…2026-04-19', '2026-04-20…2026-04-26', '2026-04-27…2026-04-30']);
  });

  it('shows the cohort heat map of the API', async () => {
    const cohorts = await api('/v1/cohorts?to=2026-04-30');
    const rows = await page.$$eval('#cohorts tbody tr', (trs) =>
      trs.map((tr) => ({
        cohort: (tr as HTMLElement).dataset['cohort'],
        size: Number((tr as HTMLElement).dataset['size']),
        cells: [...tr.querySelectorAll('td.cell')].map((td) => ({ active: Number((td as HTMLElement).dataset['active']), retention: JSON.parse((td as HTMLElement).dataset['retention']!), text: td.textContent })),
      })),
    );
    expect(rows).toEqual(
      cohorts.cohorts.map((c: { cohort: string; size: number; months: { active: number; retention: number | null }[] }) => ({
        cohort: c.cohort,
        size: c.size,
        cells: c.months.map((m) => ({ active: m.active, retention: m.retention, text: m.retention === null ? '—' : `${(m.retention * 100).toFixed(1)} %` })),
      })),
    );
    expect(rows.find((r) => r.cohort === '2026-03')?.cells.map((c) => c.text)).toEqual(['100.0 %', '66.7 %']);
  });

  it('compares actual and expected repeat purchases of the fitted model, with its parameters', async () => {
    const fit = await api('/v1/models/current');
    const rows = await page.$$eval('#repeat-table tbody tr', (trs) =>
      trs.map((tr) => ({ repeatPurchases: (tr as HTMLElement).dataset['repeatPurchases'], actual: Number((tr as HTMLElement).dataset['actual']), expected: JSON.parse((tr as HTMLElement).dataset['expected']!) })),
    );
    expect(rows).toEqual(fit.repeatPurchaseCounts);
    const parameters = await page.$$eval('#model-parameters tbody tr', (trs) => trs.map((tr) => [(tr as HTMLElement).dataset['parameter'], JSON.parse((tr as HTMLElement).dataset['value']!)]));
    expect(Object.fromEntries(parameters)).toEqual({ ...fit.bgNbd.parameters, ...fit.gammaGamma.parameters });
    const bars = await page.evaluate(() => (window as unknown as { Chart: { getChart(c: Element): { data: { datasets: { data: number[] }[] } } } }).Chart.getChart(document.querySelector('#repeat-chart')!).data.datasets.map((d) => d.data));
    expect(bars).toEqual([fit.repeatPurchaseCounts.map((c: { actual: number }) => c.actual), fit.repeatPurchaseCounts.map((c: { expected: number }) => c.expected)]);
  });

  it('shows segment sizes and the at-risk customers of the API', async () => {
    const sizes = await api('/v1/segment-sizes');
    const segments = await page.$$eval('#segments-table tbody tr', (trs) => trs.map((tr) => ({ segmentId: (tr as HTMLElement).dataset['segment'], members: Number((tr as HTMLElement).dataset['members']) })));
    expect(segments).toEqual(sizes.segments.map((s: { segmentId: string; members: number }) => ({ segmentId: s.segmentId, members: s.members })));
    const atRisk = await api('/v1/at-risk?limit=25');
    const rows = await page.$$eval('#at-risk tbody tr', (trs) => trs.map((tr) => ({ customerId: (tr as HTMLElement).dataset['customer'], score: JSON.parse((tr as HTMLElement).dataset['risk']!) })));
    expect(rows).toEqual(atRisk.customers.map((c: { customerId: string; churnRisk: { score: number } }) => ({ customerId: c.customerId, score: c.churnRisk.score })));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('loads everything from the service itself (Chart.js included, no CDN) without script errors, and keeps a screenshot', async () => {
    expect([...requestedHosts]).toEqual([new URL(base).host]);
    expect(pageErrors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('asks for a key when it has none, and re-draws for a segment', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${base}/dashboard`);
    await fresh.waitForSelector('body[data-state=needs-key]');
    await fresh.fill('#key-form input[name=key]', TEST_API_KEY);
    await fresh.click('#key-form button');
    await fresh.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
    await fresh.goto(`${base}/dashboard?${QUERY}&segment=vip`);
    await fresh.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
    const aov = await fresh.$eval('.tile[data-kpi=average-order-value]', (n) => (n as HTMLElement).dataset['value']);
    expect(JSON.parse(aov!)).toEqual((await api(`/v1/kpis/average-order-value?${QUERY}&segment=vip`)).value);
    await fresh.close();
  });
});
