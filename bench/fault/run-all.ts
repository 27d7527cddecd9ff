// `npm run fault`: every fault script with a pass/fail summary, non-zero exit on any failure;
// `npm run fault -- worker-kill` runs one. (Fault test 4 lives in the suite: tests/fault.)
import { runScripts } from '../lib/run-scripts';

runScripts('fault', {
  'worker-kill': 'bench/fault/worker-kill.ts',
  'temporal-restart': 'bench/fault/temporal-restart.ts',
  'postgres-stop': 'bench/fault/postgres-stop.ts',
  fuzz: 'bench/fault/fuzz.ts',
});
