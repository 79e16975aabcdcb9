// Names as Kubernetes generates them (SimpleNameGenerator + rand.String).
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME_LENGTH = 63;
const RANDOM_LENGTH = 5;

export function randomSuffix(length = RANDOM_LENGTH, random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMS[Math.min(ALPHANUMS.length - 1, Math.floor(random() * ALPHANUMS.length))];
  return out;
}

/** `<daemonset>-` + 5 random characters, the base cut so the name stays within 63 characters. */
export function podName(daemonSetName: string, random: () => number = Math.random, length = RANDOM_LENGTH): string {
  const base = `${daemonSetName}-`.slice(0, MAX_GENERATED_NAME_LENGTH - length);
  return base + randomSuffix(length, random);
}
