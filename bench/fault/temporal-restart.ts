// Fault test 2: restart the Temporal dev server (same database file) while cases are in flight.
import { sleep } from '../lib/report';
import { runFaultTest } from './harness';

await runFaultTest(
  'temporal-restart',
  'restart the Temporal dev server (with its database file) mid-run',
  {
    afterS: { default: 10, help: 'seconds into the run before each restart' },
    restarts: { default: 1, help: 'restarts (each afterS apart)' },
  },
  async ({ sys, settings, finished, note }) => {
    let faults = 0;
    for (let i = 0; i < settings.restarts; i += 1) {
      await sleep(settings.afterS * 1_000);
      if (finished()) break;
      note('stopping the Temporal dev server');
      await sys.restartTemporal();
      faults += 1;
      note('Temporal dev server back (same database file)');
    }
    return faults;
  },
);
