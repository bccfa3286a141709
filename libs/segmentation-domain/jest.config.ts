export default {
  displayName: 'segmentation-domain',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
