import { measureLimits, DEFAULT_LIMITS } from './scenarios/limits';
measureLimits({ ...DEFAULT_LIMITS, events: +process.argv[2] }).then((l) => console.log(l), (e) => { console.error(e); process.exit(1); });
