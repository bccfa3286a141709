export default {
  displayName: 'loyalty',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
