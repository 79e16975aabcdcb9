import { measureLimits, DEFAULT_LIMITS } from './scenarios/limits';
measureLimits({ ...DEFAULT_LIMITS, events: 100000 }).then((l) => console.log(l));
