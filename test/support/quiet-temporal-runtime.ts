import { DefaultLogger, Runtime } from '@temporalio/worker';

// The SDK logs every worker state change to the console by default; tests only want its warnings.
Runtime.install({ logger: new DefaultLogger('WARN') });
