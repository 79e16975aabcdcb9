// Imported first by main.ts. The audit commands fold millions of short-lived pod views: V8's allocation-site
// pretenuring moves such sites to old space after a few survivals, and they then die there, where only
// major collections reclaim them. Without it `everynode replay` of a million events took 18 s instead of
// 24 s and 460 MiB instead of 600 (bench/README.md, 2026-12-06). The flag may be set at run time: V8
// reads it whenever it weighs an allocation site, not once at start-up.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
