// The end-to-end matrix on MongoDB (MONGODB_URI, or the FerretDB the global setup started).
import { mongoRegistry } from '../dns/helpers/registry.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';
import { defineMatrixSuite } from './matrix-suite.ts';

defineMatrixSuite('MongoDB/FerretDB', () => mongoRegistry(mongoUri(), testDbName(import.meta.filename)));
