export default {
  displayName: 'segmentation',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
