// Charts as SVG rendered on the server: readable without JavaScript, each with a title and a
// description for screen readers, and the same figures in a table next to it.
import { html } from 'hono/html';
import type { Html } from './html.ts';

const COLORS = ['#0b57a4', '#1d5e20', '#8a1c1c', '#6b3fa0', '#7a5200', '#00627a'];

/** Horizontal bars: one per label. */
export function barChart(
  id: string,
  title: string,
  data: Array<{ label: string; value: number; text: string }>,
): Html {
  const barH = 22;
  const gap = 8;
  const labelW = 170;
  const width = 640;
  const height = Math.max(1, data.length) * (barH + gap) + gap;
  const max = Math.max(1, ...data.map((d) => d.value));
  const desc = data.map((d) => `${d.label}: ${d.text}`).join('; ');
  return html`<figure>
<svg class="chart" role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>
${data.map((d, i) => {
  const y = gap + i * (barH + gap);
  const w = Math.round(((width - labelW - 80) * d.value) / max);
  return html`<text x="0" y="${y + 15}">${d.label}</text><rect x="${labelW}" y="${y}" width="${Math.max(w, d.value > 0 ? 2 : 0)}" height="${barH}" fill="${COLORS[i % COLORS.length]}"></rect><text x="${labelW + w + 6}" y="${y + 15}">${d.text}</text>`;
})}
</svg><figcaption>${title}</figcaption></figure>`;
}

/** Columns per day, one colour per series (country). */
export function columnChart(
  id: string,
  title: string,
  days: string[],
  series: Array<{ name: string; values: number[] }>,
): Html {
  const width = 640;
  const height = 220;
  const left = 30;
  const bottom = 40;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = (width - left) / Math.max(1, days.length);
  const bw = Math.max(2, (slot - 4) / Math.max(1, series.length));
  const desc = days
    .map((d, i) => `${d}: ${series.map((s) => `${s.name} ${s.values[i] ?? 0}`).join(', ')}`)
    .join('; ');
  return html`<figure>
<svg class="chart" role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>
<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#4a4a4a"></line>
<text x="0" y="12">${max}</text>
${days.map((d, i) => {
  const x = left + i * slot;
  return html`${series.map((s, j) => {
    const v = s.values[i] ?? 0;
    const h = Math.round(((height - bottom - 20) * v) / max);
    return html`<rect x="${x + 2 + j * bw}" y="${height - bottom - h}" width="${bw}" height="${h}" fill="${COLORS[j % COLORS.length]}"></rect>`;
  })}${days.length <= 16 || i % Math.ceil(days.length / 16) === 0 ? html`<text x="${x + 2}" y="${height - bottom + 14}">${d.slice(5)}</text>` : ''}`;
})}
${series.map((s, j) => html`<rect x="${left + j * 90}" y="${height - 16}" width="10" height="10" fill="${COLORS[j % COLORS.length]}"></rect><text x="${left + j * 90 + 14}" y="${height - 7}">${s.name}</text>`)}
</svg><figcaption>${title}</figcaption></figure>`;
}
