// The "Upstream calls" panel: the REST calls behind the last response, as
// a waterfall. The facade sends them in extensions.upstreamCalls when a
// request asks (X-Graph-Trace: 1), which the playground does for its own.

import { createElement as h, useSyncExternalStore } from 'react';
import { carryFrom } from './carry.js';

// The last response's trace, shared by the fetcher and the panel.
let last = null;
const listeners = new Set();

function publish(result) {
  carryFrom(result);
  const ext = result && result.extensions;
  if (!ext || !Array.isArray(ext.upstreamCalls)) return;
  last = { calls: ext.upstreamCalls, minimumCalls: ext.minimumCalls, cost: ext.cost, errors: (result.errors || []).length };
  listeners.forEach((l) => l());
}

function subscribe(l) {
  listeners.add(l);
  return () => listeners.delete(l);
}

// traced wraps a GraphiQL fetcher: every request asks for the call trace,
// and every single-result answer (queries, mutations) is kept for the panel.
export function traced(fetcher) {
  return (params, opts) => {
    const headers = { 'X-Graph-Trace': '1', ...((opts && opts.headers) || {}) };
    const out = fetcher(params, { ...opts, headers });
    // The schema fetch makes no call: it would only blank the panel.
    if (out && typeof out.then === 'function' && params.operationName !== 'IntrospectionQuery') {
      return out.then((r) => {
        // Over HTTP the fetcher answers with an async iterable (it reads
        // multipart answers too); each part passes through as it comes.
        if (r && typeof r[Symbol.asyncIterator] === 'function') {
          return (async function* () {
            for await (const part of r) {
              publish(part);
              yield part;
            }
          })();
        }
        publish(r);
        return r;
      });
    }
    return out;
  };
}

const colour = { ok: '#2e7d32', partial: '#ed8c00', failed: '#c62828' };

function Bar({ call, total }) {
  const left = (call.startedAtMs / total) * 100;
  const width = Math.max((call.durationMs / total) * 100, 0.5);
  const mark = call.outcome === 'ok' ? '' : call.outcome === 'partial' ? ' ◐ partial' : ' ✕ failed';
  const retries = call.attempts > 1 ? ` · ${call.attempts} attempts` : '';
  // A <details> per call: a click, or Enter/Space on its focused summary,
  // opens what a hover title used to hide.
  return h(
    'li',
    { className: `cg-call cg-call-${call.outcome}` },
    h(
      'details',
      { className: 'cg-call-details' },
      h('summary', { className: 'cg-call-label' }, `${call.op}${mark}`, h('span', { className: 'cg-call-ms' }, ` ${call.durationMs} ms · ${call.status}`)),
      h(
        'dl',
        { className: 'cg-call-facts' },
        h('dt', null, 'request'), h('dd', null, `${call.method} ${call.path} → ${call.status || 'no answer'} (${call.outcome})`),
        h('dt', null, 'timing'), h('dd', null, `started at ${call.startedAtMs} ms, took ${call.durationMs} ms${retries}`),
        h('dt', null, 'batch'), h('dd', null, `${call.batchSize} key${call.batchSize === 1 ? '' : 's'}`),
        h('dt', null, 'served'), h('dd', null, h('ul', null, call.paths.map((p) => h('li', { key: p }, p)))),
      ),
    ),
    h(
      'div',
      { className: 'cg-call-track' },
      h('div', {
        className: 'cg-call-bar',
        'data-op': call.op,
        'data-outcome': call.outcome,
        style: { marginLeft: `${Math.min(left, 99.5)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.5))}%`, background: colour[call.outcome] || '#607d8b' },
      }),
    ),
  );
}

function Panel() {
  const t = useSyncExternalStore(subscribe, () => last);
  if (!t) {
    return h('div', { className: 'cg-calls' }, h('div', { className: 'graphiql-doc-explorer-title' }, 'Upstream calls'),
      h('p', null, 'Run a query: each REST call it makes shows here as a bar on a time axis, with its status, duration and the fields it served.'));
  }
  const total = Math.max(1, ...t.calls.map((c) => c.startedAtMs + c.durationMs));
  const failed = t.calls.filter((c) => c.outcome === 'failed').length;
  const partial = t.calls.filter((c) => c.outcome === 'partial').length;
  const summary = [
    `${t.calls.length} call${t.calls.length === 1 ? '' : 's'} (fewest possible: ${t.minimumCalls})`,
    t.cost ? `cost ${t.cost.computed} of ${t.cost.limit}` : null,
    partial ? `${partial} partial` : null,
    failed ? `${failed} failed` : null,
  ].filter(Boolean).join(' · ');
  return h(
    'div',
    { className: 'cg-calls' },
    h('div', { className: 'graphiql-doc-explorer-title' }, 'Upstream calls'),
    h('p', { className: 'cg-calls-summary' }, summary),
    h('ol', { className: 'cg-calls-list' }, t.calls.map((c, i) => h(Bar, { key: i, call: c, total }))),
    h('p', { className: 'cg-calls-axis' }, `0 – ${Math.round(total * 100) / 100} ms from the request's start. Open a call (click, or Enter) for the fields it served.`),
  );
}

function Icon() {
  return h(
    'svg',
    { viewBox: '0 0 24 24', width: '1em', height: '1em', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': true },
    h('path', { d: 'M3 5h8M7 10h10M5 15h6M12 20h9' }),
  );
}

export const callsPlugin = { title: 'Upstream calls', icon: Icon, content: Panel };
