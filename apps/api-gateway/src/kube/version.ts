// GET /version. The installed kubectl is a dispatcher that picks the bundled kubectl matching `minor`,
// so this must say 1.32.

export const VERSION_INFO = Object.freeze({
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitTreeState: 'clean',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
});
