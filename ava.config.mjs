export default {
  files: ['test/**/*.test.ts'],
  extensions: { ts: 'commonjs' },
  nodeArguments: ['--import=tsx'],
  timeout: '2m',
  workerThreads: false,
  concurrency: 4,
};
