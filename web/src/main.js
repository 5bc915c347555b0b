import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './playground.css';

import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createClient } from 'graphql-ws';

import { tabs } from './examples.js';
import { callsPlugin, traced } from './calls.js';
import { Carry } from './carry.js';

// The endpoint is relative to the page, so the playground works behind any
// host or path prefix. Headers start empty: nothing secret is prefilled.
const endpoint = new URL('graphql', window.location.href).toString();

async function settings() {
  try {
    const res = await fetch(new URL('playground.json', window.location.href));
    if (res.ok) return await res.json();
  } catch {
    // fall through to defaults
  }
  return { introspection: true };
}

function Banner({ text }) {
  return h('div', { className: 'cg-banner', role: 'status' }, text);
}

// GraphiQL fills the variables editor of the first tab from initialVariables,
// not from defaultTabs; so on a first visit (nothing stored yet) pass the
// first example's contents too. Later visits restore the stored tabs.
function firstVisit() {
  try {
    return !window.localStorage.getItem('graphiql:tabState');
  } catch {
    return true;
  }
}

// A browser cannot set headers on a WebSocket, so the Authorization of the
// Headers editor travels in connection_init instead; a new value opens a
// new socket. A refused key closes with 4403; graphql-ws would retry that
// five times with backoff ("access might be granted later"), so the
// playground gives up at once and shows the refusal.
function keyedFetcher(wsURL) {
  let client = null;
  let clientAuth = null;
  const wsFor = (headers) => {
    const auth = (headers && (headers.Authorization || headers.authorization)) || '';
    if (!client || auth !== clientAuth) {
      if (client) client.dispose();
      clientAuth = auth;
      client = createClient({
        url: wsURL,
        lazy: true,
        connectionParams: auth ? { Authorization: auth } : {},
        shouldRetry: (ev) => !(ev && ev.code === 4403),
      });
    }
    return client;
  };
  return (params, opts) => createGraphiQLFetcher({ url: endpoint, wsClient: wsFor(opts && opts.headers) })(params, opts);
}

settings().then((cfg) => {
  // Subscriptions go over a WebSocket to the same endpoint; lazy, so the
  // socket opens only when a subscription runs.
  const wsURL = endpoint.replace(/^http/, 'ws');
  const fetcher = traced(keyedFetcher(wsURL));
  const initial = firstVisit() ? { initialQuery: tabs[0].query, initialVariables: tabs[0].variables } : {};
  const graphiql = h(GraphiQL, {
    fetcher,
    plugins: [explorerPlugin(), callsPlugin],
    defaultTabs: tabs,
    ...initial,
    defaultHeaders: '',
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'variables',
    // Without introspection there is no schema to fetch: say so instead of
    // failing on every keystroke.
    ...(cfg.introspection ? {} : { schema: null }),
  }, h(GraphiQL.Footer, null, h(Carry)));
  const children = cfg.introspection
    ? [graphiql]
    : [
        h(Banner, {
          key: 'b',
          text: 'Introspection is disabled on this server (GRAPH_INTROSPECTION=false): the Docs, Explorer and autocompletion need it. Queries still run; the schema is in graph/*.graphqls.',
        }),
        h('div', { key: 'g', className: 'cg-main' }, graphiql),
      ];
  createRoot(document.getElementById('root')).render(h('div', { className: 'cg-app' }, children));
});
