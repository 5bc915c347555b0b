// The breaking-change check: the schema against the last release's, by
// graphql-inspector. Every breaking change must be listed, by its path in
// backticks (`Customer.msisdn`), under "## Unreleased" in CHANGELOG.md
// with its migration; otherwise the check fails. A field or enum value is
// removed only once a release has marked it @deprecated: listed or not,
// removing one that was not fails.
//   node schema-check.mjs <releases dir> <schema.graphql> <CHANGELOG.md>
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { diff, CriticalityLevel, ChangeType } from '@graphql-inspector/core';

export async function check(releasesDir, schemaPath, changelogPath) {
  const releases = readdirSync(releasesDir).filter((f) => /^v\d+\.\d+\.\d+\.graphql$/.test(f));
  const version = (f) => f.slice(1, -'.graphql'.length).split('.').map(Number);
  releases.sort((a, b) => {
    const [x, y] = [version(a), version(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  const last = releases.at(-1);
  if (!last) return { release: null, problems: [`no release schema (vX.Y.Z.graphql) in ${releasesDir}`] };
  const before = buildSchema(readFileSync(join(releasesDir, last), 'utf8'));
  const now = buildSchema(readFileSync(schemaPath, 'utf8'));
  const changes = await diff(before, now);
  const changelog = readFileSync(changelogPath, 'utf8');
  const unreleased = (changelog.split(/^## Unreleased\s*$/m)[1] ?? '').split(/^## /m)[0];
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  const problems = [
    ...breaking
      .filter((c) => !unreleased.includes('`' + c.path + '`'))
      .map((c) => `${c.path}: ${c.message} (breaking since ${last.slice(0, -8)}; list it under "## Unreleased" in CHANGELOG.md with its migration, or deprecate instead of removing)`),
    ...breaking
      .filter((c) => (c.type === ChangeType.FieldRemoved || c.type === ChangeType.EnumValueRemoved) && !deprecatedIn(before, c.path))
      .map((c) => `${c.path}: removed without being @deprecated in ${last.slice(0, -8)}: mark it @deprecated(reason: "use … instead") in a release first`),
  ];
  return { release: last, changes, problems };
}

// deprecatedIn reports whether the field or enum value at path
// (Type.member) carries @deprecated in schema.
function deprecatedIn(schema, path) {
  const [type, member] = path.split('.');
  const t = schema.getType(type);
  const m = t?.getFields?.()[member] ?? t?.getValue?.(member);
  return Boolean(m?.deprecationReason);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, schema, changelog] = process.argv.slice(2);
  const { release, changes, problems } = await check(dir, schema, changelog);
  for (const p of problems) console.log(`unlisted breaking change: ${p}`);
  if (problems.length === 0) console.log(`schema check: ${changes.length} changes since ${release}, every breaking one listed in the CHANGELOG`);
  process.exit(problems.length ? 1 : 0);
}
