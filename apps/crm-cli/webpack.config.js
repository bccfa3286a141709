const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { BannerPlugin } = require('webpack');
const { join } = require('path');
const { dependencies } = require('../../package.json');

// One file, `dist/apps/crm-cli/main.js`, runnable as `crm` (see package.json "bin"): the workspace
// libs are bundled, third-party runtime dependencies stay external like in the services.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/crm-cli') },
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
    }),
    new BannerPlugin({ banner: '#!/usr/bin/env node', raw: true, entryOnly: true }),
  ],
};
