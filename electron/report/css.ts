/** Print stylesheet: A4 or Letter, running header with the case, page x of y (Chromium margin boxes). */

/** A value placed inside a CSS string: quotes, backslashes, newlines and `<` are escaped. */
export function cssString(s: string): string {
  return '"' + [...s].map((c) => (/[\\"<>\n\r\f]/.test(c) || c.charCodeAt(0) < 0x20 ? `\\${c.charCodeAt(0).toString(16)} ` : c)).join('') + '"';
}

export function reportCss(paper: 'A4' | 'Letter', header: string): string {
  return `@page{size:${paper};margin:20mm 15mm 18mm 15mm;@top-left{content:${cssString(header)};font:8pt system-ui,sans-serif;color:#555}@bottom-right{content:"Page " counter(page) " of " counter(pages);font:8pt system-ui,sans-serif;color:#555}@bottom-left{content:"3CX Triage report — confidential";font:8pt system-ui,sans-serif;color:#555}}
body{font:10pt/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;margin:0}
h1{font-size:20pt;margin:0 0 .3em}h2{font-size:14pt;border-bottom:2px solid #222;padding-bottom:2px;margin:1.4em 0 .5em;break-after:avoid}
h3{font-size:11pt;margin:1.1em 0 .35em;break-after:avoid}section.host{break-before:page}
table{border-collapse:collapse;width:100%;margin:.35em 0 .8em}td,th{border:1px solid #c7c7c7;padding:3px 5px;vertical-align:top;text-align:left;font-size:8.5pt}
th{background:#f0f0f0}tr{break-inside:avoid}code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:7.8pt;word-break:break-all}.when{white-space:nowrap;word-break:normal}
.v{display:inline-block;font-weight:bold;padding:1px 7px;border-radius:3px;font-size:9pt;text-transform:uppercase}
.v.compromised{background:#b00020;color:#fff}.v.affected{background:#c2410c;color:#fff}.v.clean{background:#15803d;color:#fff}.v.not-present{background:#475569;color:#fff}.v.inconclusive{background:#6d28d9;color:#fff}
.s-observed{color:#b00020;font-weight:bold}.s-not-assessed{color:#6d28d9}.s-not-observed{color:#374151}
.cover{border:1px solid #999;padding:10mm;margin-bottom:6mm}.muted{color:#555}.small{font-size:8pt}.ex{font-weight:bold;white-space:nowrap}
.sig{margin-top:14mm;display:grid;grid-template-columns:1fr 1fr;gap:12mm}.sig div{border-top:1px solid #333;padding-top:2mm;font-size:9pt}
svg{max-width:100%;height:auto}`;
}
