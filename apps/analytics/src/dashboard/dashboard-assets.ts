import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Files the dashboard serves, with their content types. Nothing else under /dashboard is served. */
export const DASHBOARD_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'chart.umd.min.js': 'text/javascript; charset=utf-8',
};

/**
 * Where a dashboard file is: next to the built service (`dashboard/`, copied there by the build,
 * Chart.js included), or, when running from source, in `assets/` beside this file and Chart.js's
 * UMD build in node_modules. Chart.js is always served by this service, never from a CDN.
 */
export function dashboardFilePath(name: string, here: string = __dirname): string | null {
  if (!(name in DASHBOARD_FILES)) return null;
  const candidates = [join(here, 'dashboard', name), join(here, 'assets', name)];
  if (name === 'chart.umd.min.js') candidates.push(chartJsFromNodeModules());
  return candidates.find((path) => path !== '' && existsSync(path)) ?? null;
}

function chartJsFromNodeModules(): string {
  try {
    // The package exports only its module builds; the UMD file sits beside them. (createRequire:
    // a plain require.resolve would be rewritten by the bundler, which copies the file instead.)
    return join(dirname(createRequire(__filename).resolve('chart.js')), 'chart.umd.min.js');
  } catch {
    return '';
  }
}
