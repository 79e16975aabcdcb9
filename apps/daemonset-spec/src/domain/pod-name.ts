// Pod names as the DaemonSet controller generates them (SimpleNameGenerator: `<ds>-` cut to 58
// characters, then 5 random characters). The one implementation lives in contracts.
export { podName } from '@everynode/contracts';
