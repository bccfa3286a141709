import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardFilePath } from './dashboard-assets';

describe('dashboard files', () => {
  it('are found beside the source, Chart.js in node_modules', () => {
    expect(dashboardFilePath('index.html')).toBe(join(__dirname, 'assets', 'index.html'));
    expect(dashboardFilePath('chart.umd.min.js')).toMatch(/node_modules\/chart\.js\/dist\/chart\.umd\.min\.js$/);
  });

  it('are found in dashboard/ beside a built bundle first', () => {
    const built = mkdtempSync(join(tmpdir(), 'analytics-dist-'));
    mkdirSync(join(built, 'dashboard'));
    writeFileSync(join(built, 'dashboard', 'chart.umd.min.js'), '');
    expect(dashboardFilePath('chart.umd.min.js', built)).toBe(join(built, 'dashboard', 'chart.umd.min.js'));
  });

  it('are only the listed ones', () => {
    expect(dashboardFilePath('../../../package.json')).toBeNull();
    expect(dashboardFilePath('dashboard.int.spec.ts')).toBeNull();
  });
});
