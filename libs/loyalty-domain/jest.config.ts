export default {
  displayName: 'loyalty-domain',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
