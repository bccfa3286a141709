export default {
  displayName: 'profile',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
