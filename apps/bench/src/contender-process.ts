/**
 * The child side of `--isolate`: one contender's workload, set up on request and run phase by
 * phase as the parent asks (see contender-runner.ts).
 */
import { contenderById } from './contenders';
import { type ChildReply, type ChildRequest, type ContenderRunner, inProcessRunner } from './contender-runner';
import { exposedGc } from './measure';
import { implementationOf } from './model';
import { workloadById } from './workloads';

let runner: ContenderRunner | undefined;

async function handle(request: ChildRequest): Promise<unknown> {
  if (request.op === 'setup') {
    const { workload: workloadId, contender: contenderId, ctx } = request.setup;
    const workload = workloadById(workloadId);
    const contender = contenderById(contenderId);
    const implementation = workload && contender ? implementationOf(workload, contender) : undefined;
    if (!implementation) throw new Error(`no implementation of ${workloadId} for ${contenderId}`);
    runner = await inProcessRunner(implementation, ctx, exposedGc());
    return undefined;
  }
  if (!runner) throw new Error(`'${request.op}' before setup`);
  switch (request.op) {
    case 'count':
      return runner.count();
    case 'warm':
      return runner.warm();
    case 'timed':
      return runner.timed();
    case 'teardown':
      return runner.teardown();
  }
}

process.on('message', (request: ChildRequest) => {
  handle(request).then(
    (result) => process.send!({ seq: request.seq, result } satisfies ChildReply),
    (error: unknown) =>
      process.send!({ seq: request.seq, error: error instanceof Error ? error.message : String(error) } satisfies ChildReply),
  );
});
process.on('disconnect', () => process.exit(0));
