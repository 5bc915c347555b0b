// Runs graphql-http's auditServer against a running customer graph and
// fails on any MUST failure or SHOULD warning. MAY warnings are printed;
// docs/operations.md lists each with the reason it stands.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://host:port/graphql');
  process.exit(2);
}

const results = await auditServer({ url });
let must = 0;
let should = 0;
for (const r of results) {
  if (r.status === 'ok') continue;
  const level = r.name.startsWith('MUST') || r.name.startsWith('SHOULD') ? 'FAIL' : 'WARN';
  if (r.name.startsWith('MUST')) must++;
  if (r.name.startsWith('SHOULD')) should++;
  console.log(`${level} ${r.id} ${r.name}: ${r.reason}`);
}
const ok = results.filter((r) => r.status === 'ok').length;
console.log(`graphql-http audit: ${results.length} checks, ${ok} ok, ${must} MUST failures, ${should} SHOULD warnings`);
process.exit(must + should > 0 ? 1 : 0);
