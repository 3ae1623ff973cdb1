// A small SVG line chart for the scaling cases (no dependency: a few dozen lines do it).

import type { Series } from './harness.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function lineChart(title: string, series: readonly Series[], xLabel: string, yLabel: string, opts: { logX?: boolean } = {}): string {
  const W = 640;
  const H = 340;
  const L = 64;
  const R = 16;
  const T = 36;
  const B = 48;
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  const log = opts.logX === true;
  const xMax = log ? 10 ** Math.ceil(Math.log10(Math.max(10, ...xs))) : niceMax(Math.max(1, ...xs));
  const yMax = niceMax(Math.max(0, ...ys) * 1.05);
  const px = (x: number) => L + (log ? Math.log10(Math.max(1, x)) / Math.log10(xMax) : x / xMax) * (W - L - R);
  const py = (y: number) => H - B - (y / yMax) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const y = (yMax * i) / 5;
    out.push(`<line x1="${L}" x2="${W - R}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${py(y) + 4}" text-anchor="end">${+y.toPrecision(3)}</text>`);
    if (!log) out.push(`<text x="${px((xMax * i) / 5)}" y="${H - B + 16}" text-anchor="middle">${+((xMax * i) / 5).toPrecision(3)}</text>`);
  }
  if (log) for (let x = 1; x <= xMax; x *= 10) out.push(`<text x="${px(x)}" y="${H - B + 16}" text-anchor="middle">${x}</text>`);
  out.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const pts = s.x.map((x, j) => `${px(x).toFixed(1)},${py(s.y[j]!).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts}"/>`);
    out.push(`<rect x="${L + 10}" y="${T + 4 + 16 * i}" width="12" height="3" fill="${c}"/><text x="${L + 28}" y="${T + 9 + 16 * i}">${esc(s.strategy)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Series from grouped sample results (x = the group's number, y = median), for cost-vs-K charts. */
export function groupSeries(results: ReadonlyArray<{ strategy: string; group: string | undefined; summary: { median: number } }>): Series[] {
  const by = new Map<string, Series>();
  for (const r of results) {
    const x = Number(/(\d+)/.exec(r.group ?? '')?.[1]);
    if (!Number.isFinite(x)) continue;
    let s = by.get(r.strategy);
    if (!s) by.set(r.strategy, (s = { strategy: r.strategy, x: [], y: [] }));
    s.x.push(x);
    s.y.push(r.summary.median);
  }
  return [...by.values()];
}
