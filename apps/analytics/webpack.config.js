const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');
const { dependencies } = require('../../package.json');

// Bundles the app with its libs (path aliases resolved at build time). Only third-party packages stay
// external (the workspace's own @crm/* packages are linked into node_modules too, and must be
// bundled); they are listed in the generated package.json used by the Dockerfile.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/analytics') },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      externalDependencies: Object.keys(dependencies),
      generatePackageJson: true,
      sourceMap: true,
      // The dashboard's page, script and styles, and Chart.js's browser build: served by the service
      // itself from dist/apps/analytics/dashboard (no CDN at run time).
      assets: [
        { input: 'apps/analytics/src/dashboard/assets', glob: '*', output: 'dashboard' },
        { input: 'node_modules/chart.js/dist', glob: 'chart.umd.min.js', output: 'dashboard' },
      ],
    }),
  ],
};
