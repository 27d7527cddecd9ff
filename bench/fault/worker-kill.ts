// Fault test 1: SIGKILL the worker at random moments while cases are in flight, restart it.
import { sleep } from '../lib/report';
import { randomMs, runFaultTest } from './harness';

await runFaultTest(
  'worker-kill',
  'SIGKILL the worker at random moments while cases are in flight, restart it',
  {
    kills: { default: 5, help: 'SIGKILLs (stops early when the workload ends)' },
    maxGapS: { default: 8, help: 'random gap between kills: 1 s … this' },
    downS: { default: 2, help: 'how long the worker stays dead each time' },
  },
  async ({ sys, settings, finished, note }) => {
    let faults = 0;
    for (let i = 0; i < settings.kills; i += 1) {
      await sleep(randomMs(1_000, settings.maxGapS * 1_000));
      if (finished()) break;
      const pid = sys.workerPid();
      await sys.killWorker('SIGKILL');
      faults += 1;
      note(`SIGKILL worker pid ${pid} (${faults})`);
      await sleep(settings.downS * 1_000);
      await sys.startWorker();
      note(`worker restarted, pid ${sys.workerPid()}`);
    }
    return faults;
  },
);
