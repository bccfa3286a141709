export default {
  displayName: 'analytics',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
