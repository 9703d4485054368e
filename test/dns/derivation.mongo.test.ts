// Derivation versions across DNS nodes on MongoDB (MONGODB_URI or the FerretDB of the global setup).
import { mongoUri, testDbName } from '../setup/inject.ts';
import { defineDerivationSuite } from './derivation-suite.ts';
import { mongoRegistry } from './helpers/registry.ts';

defineDerivationSuite('MongoDB/FerretDB', () => mongoRegistry(mongoUri(), testDbName(import.meta.filename)));
