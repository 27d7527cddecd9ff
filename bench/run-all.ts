// `npm run bench`: every benchmark in turn (results in bench/results/); `npm run bench -- day` runs one.
import { runScripts } from './lib/run-scripts';

runScripts('bench', {
  throughput: 'bench/throughput.ts',
  day: 'bench/day.ts',
  'read-model': 'bench/read-model.ts',
  timers: 'bench/timers.ts',
  'temporal-shapes': 'bench/temporal-shapes.ts',
});
