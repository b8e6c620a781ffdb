// A chart as a PNG: the canvas with a title and its legend on the editor background.
import { cssVar } from '../lib/dom';
import { chartKeyEntries, drawKeyGlyph } from './chartKey';
import { type ChartView, post, runColor } from './state';

export async function exportPng(view: ChartView): Promise<void> {
  const u = view.u;
  if (!u) return;
  const src = u.ctx.canvas;
  const pad = 12 * (window.devicePixelRatio || 1);
  const lineH = 18 * (window.devicePixelRatio || 1);
  const out = document.createElement('canvas');
  out.width = src.width + 2 * pad;
  const extra = chartKeyEntries(view).filter((e) => e.marker);
  out.height = src.height + 2 * pad + lineH * (1 + view.lines.length + extra.length);
  const ctx = out.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = cssVar('--vscode-editor-background', '#fff');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = cssVar('--vscode-foreground', '#000');
  ctx.font = `bold ${Math.round(lineH * 0.75)}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  ctx.fillText(view.keys.join(', '), pad, pad + lineH * 0.75);
  ctx.drawImage(src, pad, pad + lineH);
  ctx.font = `${Math.round(lineH * 0.7)}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  view.lines.forEach((l, i) => {
    const y = pad + lineH + src.height + lineH * (i + 0.8);
    const c = runColor(l.colorIndex);
    ctx.strokeStyle = c.stroke;
    ctx.lineWidth = 2;
    ctx.setLineDash(c.dash);
    ctx.beginPath();
    ctx.moveTo(pad, y - lineH * 0.25);
    ctx.lineTo(pad + 28, y - lineH * 0.25);
    ctx.stroke();
    ctx.fillStyle = cssVar('--vscode-foreground', '#000');
    ctx.fillText(l.label, pad + 36, y);
  });
  const scale = window.devicePixelRatio || 1;
  extra.forEach((e, i) => {
    const y = pad + lineH + src.height + lineH * (view.lines.length + i + 0.8);
    drawKeyGlyph(ctx, pad, y - lineH * 0.25, scale, e, cssVar('--vscode-foreground', '#000'));
    ctx.fillText(e.label, pad + 36, y);
  });
  const blob = await new Promise<Blob | null>((r) => out.toBlob(r, 'image/png'));
  if (!blob) return;
  post({ type: 'exportPng', name: view.keys.join('_'), data: new Uint8Array(await blob.arrayBuffer()) });
}
