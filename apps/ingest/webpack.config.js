const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');
const { dependencies } = require('../../package.json');

// Bundles the app with its libs (path aliases resolved at build time). Only third-party packages stay
// external (the workspace's own @crm/* packages are linked into node_modules too, and must be
// bundled); they are listed in the generated package.json used by the Dockerfile.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/ingest') },
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
  ],
};
