export default {
  displayName: 'crm-cli',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
