export default {
  displayName: 'profile-domain',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
