import { describeStatuses, dropStaleIsolated, probeDialects, requireAll, STATUS_ENV } from './servers';

/**
 * Jest global setup: probe the database servers once per run, hand the result to the workers
 * through the environment (they are spawned after this runs and inherit it), and say which
 * dialects run and which are skipped. With ATHANOR_REQUIRE_ALL=1 (CI) a missing server fails
 * the run instead of being skipped.
 */
export default async function globalSetup(): Promise<void> {
  const statuses = await probeDialects();
  process.env[STATUS_ENV] = JSON.stringify(statuses);
  process.stderr.write(`\n${describeStatuses(statuses)}\n`);
  const missing = statuses.filter((s) => !s.available);
  if (missing.length > 0 && requireAll()) {
    throw new Error(
      `ATHANOR_REQUIRE_ALL is set but ${missing.map((s) => `${s.name} (${s.reason})`).join(', ')} ` +
        'did not answer. Start the servers (.ci/run does) or unset ATHANOR_REQUIRE_ALL.',
    );
  }
  await dropStaleIsolated(statuses);
}
