export default {
  displayName: 'analytics-domain',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
