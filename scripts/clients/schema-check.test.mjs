// The check fails on a deliberate, unlisted breaking change and passes
// once the CHANGELOG lists it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from './schema-check.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('a removed field fails the check until the CHANGELOG lists it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
  mkdirSync(join(dir, 'releases'));
  const sdl = readFileSync(join(root, 'schema.graphql'), 'utf8');
  writeFileSync(join(dir, 'releases', 'v1.0.0.graphql'), sdl);
  const removed = sdl.replace(/\n  """\n  The MSISDN, normalized[^]*?"""\n  msisdn: String!/, '');
  assert.notEqual(removed, sdl, 'the deliberate change was made');
  writeFileSync(join(dir, 'schema.graphql'), removed);

  writeFileSync(join(dir, 'CHANGELOG.md'), '# Changelog\n\n## Unreleased\n\nNothing yet.\n\n## 1.0.0\n\n- `Customer.msisdn` added\n');
  const failed = await check(join(dir, 'releases'), join(dir, 'schema.graphql'), join(dir, 'CHANGELOG.md'));
  assert.equal(failed.problems.length, 1);
  assert.match(failed.problems[0], /^Customer\.msisdn: /);

  writeFileSync(join(dir, 'CHANGELOG.md'), '# Changelog\n\n## Unreleased\n\n- Removed `Customer.msisdn`: read it from `id` with node(id:) instead.\n');
  const passed = await check(join(dir, 'releases'), join(dir, 'schema.graphql'), join(dir, 'CHANGELOG.md'));
  assert.deepEqual(passed.problems, []);
});

test('the committed schema passes against the last release', async () => {
  const r = await check(join(root, 'graph', 'releases'), join(root, 'schema.graphql'), join(root, 'CHANGELOG.md'));
  assert.deepEqual(r.problems, []);
});
