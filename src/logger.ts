/** pino: JSON lines in production, pretty lines in development (when pino-pretty is installed). */
import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export function createLogger(config: Pick<Config, 'logLevel' | 'nodeEnv'>, name: string): Logger {
  const pretty = config.nodeEnv === 'development' && prettyAvailable();
  return pino({
    name,
    level: config.logLevel,
    ...(pretty && {
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', singleLine: true },
      },
    }),
  });
}
