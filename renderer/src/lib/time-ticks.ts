// The stats charts' time axis: ticks a whole second or more apart, labelled as a clock. uPlot's own
// steps go down to milliseconds, which a narrow chart of a few seconds picks (":20.000 :20.500").
export const TIME_TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** A tick at `seconds` since the epoch, in local time: "14:03:20". */
export function timeTick(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
