import uPlot from 'uplot';

export interface LineSeries {
  label: string;
  values: number[];
  color: string;
  /** Formats axis ticks and the legend value. */
  format?: (v: number) => string;
  fill?: string;
}

/**
 * A time-series line chart (uPlot, drawn on a canvas) in `host`, sized to it
 * and resized with the window. Timestamps are epoch milliseconds. Returns the
 * dispose function.
 */
export function lineChart(host: HTMLElement, timestamps: number[], series: LineSeries[], height = 260): () => void {
  const xs = timestamps.map((t) => t / 1000);
  const fmt = series[0]?.format ?? ((v: number) => v.toFixed(2));
  const opts: uPlot.Options = {
    width: Math.max(320, host.clientWidth),
    height,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    axes: [{}, { values: (_u, ticks) => ticks.map(fmt), size: 70 }],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        ...(s.fill ? { fill: s.fill } : {}),
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : (s.format ?? fmt)(v)),
      })),
    ],
  };
  const plot = new uPlot(opts, [xs, ...series.map((s) => s.values)], host);
  const onResize = (): void => plot.setSize({ width: Math.max(320, host.clientWidth), height });
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    plot.destroy();
  };
}
