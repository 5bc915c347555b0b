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

const msisdn = /\n  """\n  The MSISDN, normalized[^]*?"""\n  msisdn: String!/;

function setUp(releaseSDL, currentSDL, changelog) {
  const dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
  mkdirSync(join(dir, 'releases'));
  writeFileSync(join(dir, 'releases', 'v1.0.0.graphql'), releaseSDL);
  writeFileSync(join(dir, 'schema.graphql'), currentSDL);
  writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
  return () => check(join(dir, 'releases'), join(dir, 'schema.graphql'), join(dir, 'CHANGELOG.md'));
}

const sdl = readFileSync(join(root, 'schema.graphql'), 'utf8');
const removed = sdl.replace(msisdn, '');
const deprecated = sdl.replace('  msisdn: String!', '  msisdn: String! @deprecated(reason: "use id")');
const unlisted = '# Changelog\n\n## Unreleased\n\nNothing yet.\n\n## 1.0.0\n\n- `Customer.msisdn` added\n';
const listed = '# Changelog\n\n## Unreleased\n\n- Removed `Customer.msisdn`: read it with node(id:) instead.\n';

test('a deliberate breaking change fails the check until the CHANGELOG lists it', async () => {
  assert.notEqual(removed, sdl, 'the deliberate change was made');
  assert.notEqual(deprecated, sdl);
  const failed = await setUp(deprecated, removed, unlisted)();
  assert.equal(failed.problems.length, 1, failed.problems.join('\n'));
  assert.match(failed.problems[0], /^Customer\.msisdn: .*list it under "## Unreleased"/);
  const passed = await setUp(deprecated, removed, listed)();
  assert.deepEqual(passed.problems, []);
});

test('a field is removed only after a release deprecated it', async () => {
  const r = await setUp(sdl, removed, listed)();
  assert.equal(r.problems.length, 1, r.problems.join('\n'));
  assert.match(r.problems[0], /^Customer\.msisdn: removed without being @deprecated in v1\.0\.0/);
});

test('the committed schema passes against the last release', async () => {
  const r = await check(join(root, 'graph', 'releases'), join(root, 'schema.graphql'), join(root, 'CHANGELOG.md'));
  assert.deepEqual(r.problems, []);
});
