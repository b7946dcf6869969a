/**
 * The inspector's styles (inlined: the page loads nothing else). Dense, as
 * a tool kept open beside an app: one column on a laptop, two from 1180 px.
 * Short values never wrap inside a word; long ones are cut with an ellipsis
 * and shown whole on hover or when expanded.
 */
export const INSPECTOR_STYLES = `
:root{--bg:#f6f7f9;--panel:#fff;--line:#e3e6eb;--text:#1c2230;--muted:#667085;--accent:#4f46e5;
--on:#067647;--on-bg:#dcfae6;--off:#b42318;--off-bg:#fee4e2;--warn:#b54708;--warn-bg:#fef0c7;--code:#f2f4f7;
color-scheme:light}
@media (prefers-color-scheme:dark){:root{--bg:#0f1117;--panel:#171a22;--line:#2a2f3a;--text:#e6e8ee;--muted:#98a2b3;
--accent:#8b8cf6;--on:#75e0a7;--on-bg:#0b3b24;--off:#fda29b;--off-bg:#4a1512;--warn:#fec84b;--warn-bg:#4a3108;--code:#222733;
color-scheme:dark}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:13px/1.45 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
header.top{position:sticky;top:0;z-index:2;display:flex;align-items:center;gap:16px;flex-wrap:wrap;padding:10px 20px;
background:var(--panel);border-bottom:1px solid var(--line)}
header.top h1{font-size:15px;margin:0;white-space:nowrap}
.status{display:inline-flex;align-items:center;gap:6px;white-space:nowrap;color:var(--muted)}
.status::before{content:"";width:8px;height:8px;border-radius:50%;background:var(--off)}
.status.live::before{background:#12b76a;box-shadow:0 0 0 3px var(--on-bg)}
.counters{display:flex;gap:14px;flex-wrap:wrap;color:var(--muted);margin-left:auto}
.counters b{color:var(--text);font-variant-numeric:tabular-nums}
.counters span{white-space:nowrap}
main{display:grid;grid-template-columns:minmax(0,1fr);gap:16px;padding:16px 20px 40px}
@media (min-width:1180px){main{grid-template-columns:minmax(0,11fr) minmax(0,9fr)}.wide{grid-column:1/-1}}
section.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;min-width:0;display:flex;flex-direction:column}
section.panel>h2{display:flex;align-items:center;gap:8px;margin:0;padding:9px 12px;font-size:13px;border-bottom:1px solid var(--line);white-space:nowrap}
section.panel>h2 small{color:var(--muted);font-weight:normal}
section.panel>h2 .tools{margin-left:auto;display:flex;gap:6px;font-weight:normal}
.body{overflow:auto;max-height:420px}
.body.tall{max-height:560px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:5px 10px;border-bottom:1px solid var(--line);white-space:nowrap}
th{position:sticky;top:0;background:var(--panel);color:var(--muted);font-weight:600;font-size:12px;z-index:1}
tr:last-child>td{border-bottom:none}
tbody tr.pick{cursor:pointer}tbody tr.pick:hover{background:var(--code)}
tr.selected>td{background:color-mix(in srgb,var(--accent) 9%,transparent)}
.cut{display:inline-block;max-width:240px;overflow:hidden;text-overflow:ellipsis;vertical-align:bottom}
.muted{color:var(--muted)}.empty{color:var(--muted);padding:14px 12px}
.chips{display:flex;flex-wrap:wrap;gap:4px;white-space:normal;max-width:300px}
.chip{display:inline-block;padding:0 6px;border-radius:4px;background:var(--code);white-space:nowrap;max-width:300px;overflow:hidden;text-overflow:ellipsis}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.on{background:var(--on-bg);color:var(--on)}.badge.off{background:var(--off-bg);color:var(--off)}
.badge.warn{background:var(--warn-bg);color:var(--warn)}.badge.plain{background:var(--code);color:var(--muted)}
.meters{display:grid;grid-template-columns:max-content 72px max-content;gap:2px 8px;align-items:center}
.bar{height:6px;border-radius:3px;background:var(--code);overflow:hidden}
.bar>i{display:block;height:100%;background:var(--accent)}
.bar.full>i{background:var(--off)}
select,input,button{font:inherit;color:inherit}
select,input{background:var(--panel);border:1px solid var(--line);border-radius:5px;padding:2px 6px}
button{background:var(--panel);border:1px solid var(--line);border-radius:5px;padding:2px 10px;cursor:pointer;white-space:nowrap}
button:hover{border-color:var(--accent)}button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button.danger:hover{border-color:var(--off);color:var(--off)}
.s2{color:var(--on)}.s4{color:var(--warn)}.s5{color:var(--off)}.s0{color:var(--muted)}
.fault{color:var(--off);font-weight:600}
.event-json{margin:0;padding:8px 12px;background:var(--code);white-space:pre-wrap;overflow-wrap:anywhere;max-height:320px;overflow:auto}
.explain{padding:12px;display:grid;gap:10px}
.explain .pickers{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.answer{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.answer .reason{font-size:14px}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:3px 14px;margin:0}
dl.facts dt{color:var(--muted);white-space:nowrap}dl.facts dd{margin:0;min-width:0}
.override{display:flex;gap:6px;flex-wrap:wrap;align-items:center;border-top:1px solid var(--line);padding-top:10px}
.override input[type=number]{width:90px}
.toast{position:fixed;right:20px;bottom:20px;max-width:520px;background:var(--off-bg);color:var(--off);border:1px solid var(--off);
border-radius:6px;padding:8px 12px;z-index:3}
.catalog{display:grid;gap:0}
.compact th,.compact td{padding:5px 7px}
.noscript{padding:20px}
`;
