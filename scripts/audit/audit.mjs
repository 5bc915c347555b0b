// Runs graphql-http's auditServer against a running customer graph and
// fails on any MUST failure. SHOULD warnings are printed; the README lists
// each with the reason it is accepted.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://host:port/graphql');
  process.exit(2);
}

const results = await auditServer({ url });
let must = 0;
for (const r of results) {
  if (r.status === 'ok') continue;
  const level = r.name.startsWith('MUST') ? 'FAIL' : 'WARN';
  if (level === 'FAIL' && r.status === 'error') must++;
  console.log(`${level} ${r.id} ${r.name}: ${r.reason}`);
}
const ok = results.filter((r) => r.status === 'ok').length;
console.log(`graphql-http audit: ${results.length} checks, ${ok} ok, ${must} MUST failures`);
process.exit(must > 0 ? 1 : 0);
