// The registry feed on the embedded store (each node its own connection to the same data dir).
import { defineFeedSuite } from './feed-suite.ts';
import { embeddedRegistry } from './helpers/registry.ts';

defineFeedSuite('embedded store', embeddedRegistry);
