// The registry feed on MongoDB (MONGODB_URI or the FerretDB of the global setup).
import { mongoUri, testDbName } from '../setup/inject.ts';
import { defineFeedSuite } from './feed-suite.ts';
import { mongoRegistry } from './helpers/registry.ts';

defineFeedSuite('MongoDB/FerretDB', () => mongoRegistry(mongoUri(), testDbName(import.meta.filename)));
