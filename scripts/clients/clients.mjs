// Real clients, unmodified, against a running facade (its sandbox):
//   node clients.mjs http://127.0.0.1:PORT/graphql
// Each check prints "ok" or "FAIL" with what it saw; the exit code is the
// number of failures. scripts/test.sh runs it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { Client, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { createClient as createSSEClient } from 'graphql-sse';

const url = process.argv[2];
if (!url) throw new Error('usage: node clients.mjs <graphql url>');
const here = dirname(fileURLToPath(import.meta.url));

// Two sandbox customers whose subscriptions share the API's ids (4 and 7)
// with different values (each its own e-mail address).
const A = '27831000001';
const B = '27831000011';
const ASYNC = '27831000009'; // subscribe answers 202; ACTIVE on the third poll
const SLOW_PLANS = '27831000015'; // every Plans call takes 3 s

const subscriptionsQuery = `query Subs($id: ID!) { customer(id: $id) { id msisdn
  subscriptions { providerId subscriptions { id subscriptionId name email } } } }`;

let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split('\n').join('\n     ')}`);
  }
}

function emails(data) {
  return data.customer.subscriptions.flatMap((p) => p.subscriptions.map((s) => `${s.subscriptionId}:${s.email}`));
}

function apollo() {
  return new ApolloClient({
    link: new HttpLink({ uri: url }),
    cache: new InMemoryCache(),
    incrementalHandler: new Defer20220824Handler(),
  });
}

await check("Apollo Client's InMemoryCache keeps each customer's subscriptions its own", async () => {
  const client = apollo();
  const query = gql(subscriptionsQuery);
  const a = await client.query({ query, variables: { id: A } });
  const b = await client.query({ query, variables: { id: B } });
  assert.notDeepEqual(emails(a.data), emails(b.data), 'the two customers differ upstream');
  const again = client.readQuery({ query, variables: { id: A } });
  assert.deepEqual(emails(again), emails(a.data));
  for (const s of again.customer.subscriptions.flatMap((p) => p.subscriptions)) {
    assert.match(s.email ?? 'player001', /player001|^null$/, `customer A shows ${s.email}`);
  }
});

await check("urql's graphcache keeps each customer's subscriptions its own", async () => {
  // Types without an id are embedded in their parent, as graphcache asks
  // to be told.
  const client = new Client({ url, exchanges: [cacheExchange({ keys: { ProviderSubscriptions: () => null } }), fetchExchange] });
  const a = await client.query(subscriptionsQuery, { id: A }).toPromise();
  const b = await client.query(subscriptionsQuery, { id: B }).toPromise();
  assert.ifError(a.error);
  assert.ifError(b.error);
  assert.notDeepEqual(emails(a.data), emails(b.data));
  const again = await client.query(subscriptionsQuery, { id: A }, { requestPolicy: 'cache-only' }).toPromise();
  assert.deepEqual(emails(again.data), emails(a.data));
});

await check('relay-compiler compiles a @refetchable fragment, and node(id:) refetches it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-'));
  mkdirSync(join(dir, 'src', '__generated__'), { recursive: true });
  writeFileSync(join(dir, 'src', 'CustomerCard.js'), `
import { graphql } from 'relay-runtime';
export const fragment = graphql\`
  fragment CustomerCard_customer on Customer @refetchable(queryName: "CustomerCardRefetchQuery") {
    msisdn
    location { country }
    subscriptions { providerId subscriptions { id subscriptionId name } }
  }
\`;
`);
  writeFileSync(join(dir, 'relay.config.json'), JSON.stringify({
    src: './src', schema: join(here, '..', '..', 'schema.graphql'), language: 'javascript',
    artifactDirectory: './src/__generated__', eagerEsModules: true,
  }));
  execFileSync(join(here, 'node_modules', '.bin', 'relay-compiler'), [], { cwd: dir, stdio: 'pipe' });
  const artifact = readdirSync(join(dir, 'src', '__generated__')).find((f) => f.startsWith('CustomerCardRefetchQuery'));
  assert.ok(artifact, 'relay-compiler wrote the refetch query');
  const src = readFileSync(join(dir, 'src', '__generated__', artifact), 'utf8');
  const text = JSON.parse(src.match(/"text": ("(?:[^"\\]|\\.)*")/)[1]);
  assert.match(text, /node\(id: \$id\)/);
  // The refetch query, sent as Relay's network layer sends it.
  const first = await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: subscriptionsQuery, variables: { id: A } }) })).json();
  const res = await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text, variables: { id: first.data.customer.id } }) })).json();
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  assert.equal(res.data.node.__typename, 'Customer');
  assert.equal(res.data.node.id, first.data.customer.id);
  assert.equal(res.data.node.msisdn, A);
});

await check('Apollo Client receives a @defer-red slow field after the rest', async () => {
  const client = apollo();
  const query = gql`query Deferred($id: ID!) { customer(id: $id) { id msisdn location { country }
    ... @defer { plans { tariffPlan } } } }`;
  const seen = [];
  await new Promise((resolve, reject) => {
    const sub = client.watchQuery({ query, variables: { id: SLOW_PLANS } }).subscribe({
      next: (r) => {
        if (r.error) return reject(r.error);
        if (r.data?.customer) seen.push({ at: Date.now(), country: r.data.customer.location?.country, plans: r.data.customer.plans, state: r.dataState });
        if (r.dataState === 'complete') { sub.unsubscribe(); resolve(); }
      },
      error: reject,
    });
  });
  assert.ok(seen.length >= 2, `one emission only: ${JSON.stringify(seen)}`);
  assert.equal(seen[0].state, 'streaming', `the first emission is the rest, with the plans to come: ${JSON.stringify(seen)}`);
  assert.equal(seen[0].plans, undefined, 'the plans are pending, not null');
  assert.equal(seen[0].country, 'ZA');
  const last = seen.at(-1);
  assert.ok(last.plans?.tariffPlan, `the plans never came: ${JSON.stringify(seen)}`);
  assert.ok(last.at - seen[0].at >= 1000, `the plans came with the rest: ${JSON.stringify(seen)}`);
});

async function startProvisioning(subscriptionId) {
  const r = await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `mutation($s: ID!) { subscribe(input: {customerId: "${ASYNC}", subscriptionId: $s, providerId: "202", name: "MTN Play Video"}) { pending { id status } } }`, variables: { s: subscriptionId } }) })).json();
  assert.equal(r.data?.subscribe?.pending?.status, 'PENDING', JSON.stringify(r));
  return r.data.subscribe.pending.id;
}

const follow = `subscription Follow($id: ID!) { subscriptionProvisioning(id: $id) { subscriptionId status } }`;

await check("Apollo Client's multipart subscription follows a provisioning to ACTIVE", async () => {
  const id = await startProvisioning(`${process.pid}1`);
  const client = apollo();
  const statuses = await new Promise((resolve, reject) => {
    const out = [];
    client.subscribe({ query: gql(follow), variables: { id } }).subscribe({
      next: (r) => (r.error ? reject(r.error) : out.push(r.data.subscriptionProvisioning.status)),
      error: reject,
      complete: () => resolve(out),
    });
  });
  assert.deepEqual(statuses, ['PENDING', 'ACTIVE']);
});

await check('graphql-sse (distinct connections mode) follows a provisioning to ACTIVE', async () => {
  const id = await startProvisioning(`${process.pid}2`);
  const client = createSSEClient({ url, retryAttempts: 0 });
  const statuses = [];
  for await (const r of client.iterate({ query: follow, variables: { id } })) {
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    statuses.push(r.data.subscriptionProvisioning.status);
  }
  client.dispose();
  assert.deepEqual(statuses, ['PENDING', 'ACTIVE']);
});

await check("graphql-sse's single connection mode is refused with the reason", async () => {
  const client = createSSEClient({ url, singleConnection: true, retryAttempts: 0 });
  await assert.rejects(async () => {
    for await (const _ of client.iterate({ query: '{ __typename }' })) { /* nothing arrives */ }
  }, /405/);
  client.dispose();
  // The client shows the status only; the body, which its reservation
  // request (PUT) gets, says why.
  const r = await fetch(url, { method: 'PUT' });
  assert.equal(r.status, 405);
  assert.match((await r.json()).errors[0].message, /single connection mode is not supported/);
});

process.exit(failures);
