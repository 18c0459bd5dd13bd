/**
 * Property runs draw a fresh random seed each time, so `npm test` keeps exploring. CI pins `FUZZ_SEED` so that a
 * landing is decided by the code, not by the draw; `npm run fuzz` explores with many more runs. A failing run
 * prints its seed, and `FUZZ_SEED=<seed> npm test` replays it.
 */
import fc from 'fast-check';

const seed = process.env.FUZZ_SEED;
if (seed !== undefined && seed !== '') {
  if (!/^-?\d+$/.test(seed)) throw new Error(`FUZZ_SEED must be an integer, not ${JSON.stringify(seed)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) });
}
