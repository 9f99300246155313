// Preloaded into berthd (NODE_OPTIONS=--import) when BENCH_PROFILE_DIR is set: this Node does not
// accept --cpu-prof in NODE_OPTIONS, so the profiler is started through the inspector and its
// profile written at exit, as --cpu-prof would.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The same-thread inspector answers synchronously, so this runs to the end inside 'exit'.
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(dir, `berthd-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
