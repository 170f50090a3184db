// A progress bar with events per second for the long operator commands.
import cliProgress from 'cli-progress';

export function progressBar(label: string, total: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta}s`,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, 0, { speed: 0 });
  return {
    update(done: number) {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(done, { speed: Math.round(done / seconds) });
    },
    /** the work grew while it was under way */
    setTotal(total: number) {
      bar.setTotal(total);
    },
    stop() {
      bar.stop();
    },
  };
}
