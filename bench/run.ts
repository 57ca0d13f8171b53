/**
 * `npm run bench [-- --quick]`: the benchmark of SPEC §9 and issue 7.
 *
 * Starts the API, worker processes and a bare Koa reference as child processes against
 * the local PostgreSQL and Redis (a fresh schema and queue prefix, removed at the end,
 * also on Ctrl-C), drives them with autocannon, and prints one table: each figure as the
 * median of its runs with min–max, and as a ratio to the bare Koa app measured in the same
 * run. The table also goes to bench/results/latest.json, whole into docs/performance.md and
 * its headline rows into the README; the row 3 timeline to media/bench.svg. It never fails
 * on a number.
 */
import { loadConfig } from '../src/config';
import type { BenchContext } from './context';
import { closeEnvironment, openEnvironment } from './environment';
import { writeCostChart } from './cost-chart';
import { describeLine, describeMachine } from './machine';
import { parseOptions } from './options';
import { prepareLauncher, rssOf, stopAllChildren } from './processes';
import { saveJson, writeChart, writeDocsTable } from './report';
import { measureCost, type CostResult } from './rows/cost';
import { measureCluster } from './rows/cluster';
import { measureDrain } from './rows/drain';
import { measureFreshness } from './rows/freshness';
import { measureIngest } from './rows/ingest';
import { measureLookup } from './rows/lookup';
import { measurePartitioning } from './rows/partitioning';
import { memoryMeasures } from './rows/memory';
import { referenceMeasures } from './rows/reference';
import { measureSustained, type SustainedResult } from './rows/sustained';
import { startService } from './service';
import { textTable, toFigure, type Measure } from './table';

const began = performance.now();
const step = (message: string) =>
  console.error(`[${((performance.now() - began) / 1_000).toFixed(0).padStart(4)} s] ${message}`);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const { rows } = options;
  step(
    options.runtime === 'built' ? 'compiling the service (tsc)' : 'running the service with tsx',
  );
  const launcher = await prepareLauncher(options.runtime);
  const env = await openEnvironment(options.serviceEnv);
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await stopAllChildren();
      await closeEnvironment(env);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      step(`${signal}: stopping the processes, dropping the schema and the queue keys`);
      void cleanUp().finally(() => process.exit(130));
    });
  }

  try {
    const machine = await describeMachine(env);
    const service = loadConfig(env.serviceEnv());
    step(`schema ${env.config.dbSchema}, queue prefix ${env.config.queuePrefix}`);
    step(describeLine(machine));
    const ctx: BenchContext = {
      options,
      service: await startService(launcher, env, options),
      reference: { post: [], get: [], rssMb: [] },
    };
    const measures: Measure[] = [];

    step('rows 1–2: ingest with the workers stopped, taking turns with bare Koa POST');
    measures.push(...(await measureIngest(ctx, rows.has('1') || rows.has('2'))));
    const sustained: SustainedResult[] = [];
    if (rows.has('3')) {
      for (const workers of options.sustainedWorkers) {
        step(`row 3: sustained load, ${workers} worker process(es)`);
        const run = await measureSustained(ctx, workers, service.workerConcurrency);
        sustained.push(run);
        measures.push(...run.measures);
      }
    }
    if (rows.has('10')) {
      step('row 10: row 3 on the partitioned and on the plain web_events, and their statements');
      const workers = options.sustainedWorkers.at(-1)!;
      measures.push(...(await measurePartitioning(ctx, workers, service.workerConcurrency)));
    }
    if (rows.has('4')) {
      step('row 4: backlog drain');
      measures.push(...(await measureDrain(ctx)));
    }
    if (rows.has('5')) {
      step('row 5: freshness');
      measures.push(...(await measureFreshness(ctx)));
    }
    step('row 6: recently-viewed lookup, taking turns with bare Koa GET');
    measures.push(...(await measureLookup(ctx, rows.has('6'))));
    if (rows.has('9')) {
      step('row 9: single Redis against a 3-master Redis Cluster, 1, 2 and 4 worker processes');
      measures.push(...(await measureCluster(ctx, launcher, service.workerConcurrency)));
    }
    ctx.reference.rssMb.push((await rssOf(ctx.service.ref.pid)).rssMb);
    if (sustained.length > 0) {
      const apiPeak = (await rssOf(ctx.service.api.pid)).peakMb;
      measures.push(...memoryMeasures(ctx, sustained, apiPeak));
    }
    let cost: CostResult | undefined;
    if (rows.has('8')) {
      step('row 8: CPU per event at 200, 1,000 and 5,000 events/s, and saturated');
      cost = await measureCost(ctx, service.workerConcurrency, sustained);
      measures.push(...cost.measures);
    }

    const figures = [...referenceMeasures(ctx.reference), ...measures].map(toFigure);
    const settings =
      `INGEST_LINGER_MS=${service.ingestLingerMs} INGEST_LINGER_ADAPTIVE=${service.ingestLingerAdaptive} INGEST_MAX_EVENTS_PER_JOB=${service.ingestMaxEventsPerJob} ` +
      `WORKER_CONCURRENCY=${service.workerConcurrency} WORKER_BATCH_MAX_JOBS=${service.workerBatchMaxJobs} ` +
      `RECENCY_LINGER_MS=${service.workerLingerMs.recency} PERSIST_LINGER_MS=${service.workerLingerMs.persist} DB_POOL_MAX=${service.dbPoolMax} ` +
      `LOG_LEVEL=${service.logLevel}; ${options.workers} worker process(es) for rows 4–6; ` +
      `${options.connections} connections; ${options.runtime === 'built' ? 'compiled JS' : 'tsx'}`;
    const heading = [
      `${options.quick ? 'Quick run' : 'Full run'} of ${new Date().toISOString().slice(0, 16)}Z ` +
        `(\`npm run bench${options.quick ? ' -- --quick' : ''}\`), median of ${options.runs} runs.`,
      '',
      `Machine: ${describeLine(machine)}. Service: ${settings}.`,
    ];
    console.log(`\n${heading.join('\n')}\n\n${textTable(figures)}\n`);
    for (const figure of figures.filter((f) => f.note)) {
      console.log(`  ${figure.row}, ${figure.label}: ${figure.note}`);
    }
    const file = await saveJson(
      {
        label: options.label,
        finishedAt: new Date().toISOString(),
        options: { ...options, rows: [...rows] },
        machine,
        settings,
        figures,
        sustained: sustained.map(({ measures: _measures, ...run }) => run),
        cost: cost?.points,
      },
      options.label,
    );
    step(`saved ${file}`);
    // Row 8 runs on its own (--only 8) too: its chart is written unless settings were overridden.
    if (cost && options.writeCostChart) {
      await writeCostChart(cost.points);
      step('wrote media/cost.svg');
    }
    if (options.writeDocs) {
      await writeDocsTable(figures, heading);
      if (sustained.length > 0) {
        const perRequest = options.sustainedBatch === 1 ? 'one' : options.sustainedBatch;
        const offered = sustained[0]!.offeredPerSec.toLocaleString('en-US');
        await writeChart(
          sustained,
          `Row 3: ${offered} events/s offered, ${perRequest} per request`,
        );
      }
      step('wrote docs/performance.md, the README and media/bench.svg');
    } else {
      step(
        'docs/performance.md and the README left as they were (partial run, --env or --no-docs)',
      );
    }
  } finally {
    step('cleaning up');
    await cleanUp();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    void stopAllChildren().finally(() => process.exit(1));
  },
);
