// Fault test 3: stop PostgreSQL for 30 s while cases are in flight, start it again.
import { sleep } from '../lib/report';
import { runFaultTest } from './harness';

await runFaultTest(
  'postgres-stop',
  'stop PostgreSQL for 30 s mid-run: activities retry, nothing is lost, the projection converges',
  {
    afterS: { default: 10, help: 'seconds into the run before PostgreSQL stops' },
    downS: { default: 30, help: 'seconds PostgreSQL stays down' },
  },
  async ({ sys, settings, finished, note }) => {
    await sleep(settings.afterS * 1_000);
    if (finished()) return 0;
    note('stopping PostgreSQL');
    await sys.stopPostgres();
    note(`PostgreSQL stopped for ${settings.downS} s`);
    await sleep(settings.downS * 1_000);
    const inFlight = !finished();
    await sys.startPostgres();
    note(`PostgreSQL started again${inFlight ? '' : ' (the workload had already ended)'}`);
    return 1;
  },
);
